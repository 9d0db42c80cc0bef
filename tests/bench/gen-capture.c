// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a synthetic dmesg capture for the benchmark: many devices going
 * through probe/unbind cycles with groups, noise lines between them, and
 * hashed node ids that are reused as soon as they are freed, as the kernel's
 * allocator does. Usage: gen-capture MIB [NOISE [HITS [DEVICES]]] > capture.log
 * HITS: one unbind in HITS has a release callback that calls devm_kzalloc()
 * on its own device (add-during-release; the next probe then finds the node:
 * resources-before-probe): rule hits on every device, again and again.
 * DEVICES: how many devices the cycles are spread over (4000; the bench's
 * wide mix takes 20000: about 118,000 nodes live at the end).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEVICES 4000
#define DEVICES_MAX 100000
#define MAXNODES 24

struct dev {
	uint32_t ids[MAXNODES];
	unsigned sizes[MAXNODES];
	const char *names[MAXNODES];
	unsigned n;
	int bound;
};

static uint64_t rng = 88172645463325252ULL;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static uint32_t freelist[1 << 16];
static unsigned nfree;
static uint32_t fresh = 0x1000;

static uint32_t id_alloc(void)
{
	if (nfree && next_rand() % 4)
		return freelist[--nfree];
	return (uint32_t)(fresh++ * 2654435761u);  /* spread like a hash */
}

static void id_free(uint32_t id)
{
	if (nfree < sizeof(freelist) / sizeof(freelist[0]))
		freelist[nfree++] = id;
}

static const char *const names[] = {
	"devm_kzalloc_release", "devm_action_release", "devm_clk_release", "devm_irq_release",
	"pcim_iomap_release", "devm_gpiod_release", "devm_regulator_release", "dmam_release",
};

int main(int argc, char **argv)
{
	uint64_t limit = (argc > 1 ? strtoull(argv[1], NULL, 10) : 64) << 20, written = 0;
	/* noise lines before each probe or unbind (a real boot log has many) */
	unsigned noise = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 1;
	unsigned hits = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 0;
	unsigned ndevs = argc > 4 ? (unsigned)strtoul(argv[4], NULL, 10) : DEVICES;
	static struct dev devs[DEVICES_MAX];
	double ts = 1.0;
	int n;

	if (ndevs < 1 || ndevs > DEVICES_MAX) {
		fprintf(stderr, "gen-capture: DEVICES must be 1 to %u\n", DEVICES_MAX);
		return 2;
	}
	written += (uint64_t)printf("[    0.000000] Linux version 6.1.0-bench (bench@localhost) #1 SMP\n");
	while (written < limit) {
		unsigned d = next_rand() % ndevs;
		struct dev *v = &devs[d];

		ts += 0.000137;
		for (unsigned i = 0; i < noise; i++) {
			n = printf("[%12.6f] usb 1-1.%u: new high-speed USB device number %u using xhci_hcd\n",
				   ts, d % 8, next_rand() % 128);
			written += (uint64_t)n;
		}
		if (!v->bound) {
			unsigned k = 4 + next_rand() % 16, gpos = next_rand() % k;

			for (unsigned i = 0; i < k && v->n < MAXNODES - 2; i++) {
				const char *nm = names[next_rand() % 8];
				unsigned sz = 8 + (next_rand() % 64) * 8;

				if (i == gpos) {
					v->ids[v->n] = id_alloc();
					v->names[v->n] = "grp<";
					v->sizes[v->n] = 0;
					written += (uint64_t)printf("[%12.6f] bench-drv bench.%u: DEVRES ADD %016x grp< (0 bytes)\n",
								    ts, d, v->ids[v->n]);
					v->n++;
				}
				v->ids[v->n] = id_alloc();
				v->names[v->n] = nm;
				v->sizes[v->n] = sz;
				written += (uint64_t)printf("[%12.6f] bench-drv bench.%u: DEVRES ADD %016x %s (%u bytes)\n",
							    ts, d, v->ids[v->n], nm, sz);
				v->n++;
			}
			v->bound = 1;
		} else {
			/* unbind: the (open) group's grp< first, then the nodes backwards */
			int reenter = hits && v->n > 2 && next_rand() % hits == 0;
			uint32_t late = 0;

			for (unsigned i = 0; i < v->n; i++)
				if (v->names[i][0] == 'g')
					written += (uint64_t)printf("[%12.6f] bench-drv bench.%u: DEVRES REL %016x grp< (0 bytes)\n",
								    ts, d, v->ids[i]);
			for (unsigned i = v->n; i-- > 0;) {
				if (v->names[i][0] != 'g')
					written += (uint64_t)printf("[%12.6f] bench-drv bench.%u: DEVRES REL %016x %s (%u bytes)\n",
								    ts, d, v->ids[i], v->names[i], v->sizes[i]);
				id_free(v->ids[i]);
				if (reenter && i == v->n - 1) {
					late = id_alloc();
					written += (uint64_t)printf("[%12.6f] bench-drv bench.%u: DEVRES ADD %016x devm_kzalloc_release (24 bytes)\n",
								    ts, d, late);
				}
			}
			v->n = 0;
			if (late) {
				v->ids[0] = late;
				v->names[0] = "devm_kzalloc_release";
				v->sizes[0] = 24;
				v->n = 1;
			}
			v->bound = 0;
		}
	}
	return 0;
}

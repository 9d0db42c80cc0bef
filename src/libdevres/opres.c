// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ops printed as addresses. The dev:devres_log record holds "op" as a
 * const char * (and "name" before v6.13), so everything that formats the
 * binary records itself -- trace-cmd report, perf script, libtraceevent --
 * prints "ffffffff8283365f" where the kernel's own trace text says "ADD"
 * (DESIGN.md 2.2). devres.c has one string per op, so within a boot each op
 * has one address; which one is which follows from the list semantics
 * (DESIGN.md 2.4):
 *
 *   - an ADD never names a node that is live on its device, and every other
 *     op names one that is (unless the capture began after its ADD);
 *   - "grp>" is only ever logged by ADD (a released or removed group logs
 *     its "grp<" alone);
 *   - REL comes only from release batches: without a group marker (0 bytes)
 *     in the run, a batch is a release-all, which takes the newest live node
 *     first and leaves the device empty; with one, the ordinary nodes still
 *     go newest first;
 *   - the node devm_krealloc() puts in place of a REPLACEd one is never
 *     added, so an unseen node released on that device is explained;
 *   - a release-all is followed by the device's unbind uevent (an unbind:
 *     device_unbind_cleanup() before KOBJ_UNBIND) or by none (a failed
 *     probe): its bind uevent (driver_bound(), after a probe that worked)
 *     never comes right after one, so a run that takes nodes added since
 *     the device's last uevent and is followed by its bind is no batch;
 *     and a node added since the device's last uevent is not live at its
 *     unbind uevent (devres_release_all() released it).
 *
 * The stream holds its lines back while an address is undecided, collects
 * the operations meanwhile, and each assignment of the undecided addresses
 * to the ops still free is played over them from the device lists as they
 * stand (with the copies the model holds for a twin: held_copy()); the
 * one that leaves the least unexplained wins (ties: REL before
 * REM before REPLACE). Then the lines are read again with the ops known.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libdevres-private.h"

#define OPRES_OPS 4

/* what each kind of evidence costs an assignment */
#define COST_UNSEEN      3      /* a node removed that is not live: a late start can */
#define COST_NOT_BATCH   3      /* a REL run no release batch could make */
#define COST_ADD_LIVE    10     /* an ADD of a node that is live: only a lost line */
#define COST_CLOSE_NOT_ADD 1000 /* "grp>" logged by anything but ADD: never */
/* an ordinary node added among the held lines still live at the device's
 * unbind uevent: dd.c sends it after devres_release_all(), which released
 * (REL) every node the device had, so only lost lines explain it */
#define COST_LIVE_AT_UNBIND 10
/* a REL run right before the device's bind uevent, of nodes its probe added:
 * the run's gains are taken back too (it only looked like a release-all) */
#define COST_BIND_AFTER_BATCH 3
/* and what it earns: a REL that goes on with a batch, newest first, is what
 * only the right reading gives again and again */
#define GAIN_BATCH_ORDER 3

struct live_node {
	uint64_t id;
	uint64_t seq;           /* order of its ADD */
	bool zero;              /* 0 bytes: a group marker, or data-less */
};

struct dev_state {
	struct live_node *live;         /* in list order */
	size_t n, cap;
	struct hashmap ids;             /* the ids in live: most lookups are misses */
	/* the release batch in progress (REL taken as the address run_token) */
	uint64_t run_token;
	bool run_zero;                  /* it began with a group marker */
	bool run_bad;                   /* no batch could have done it */
	uint64_t run_last_seq;          /* the ADD order of the node it released last */
	uint64_t run_min_seq;           /* the oldest node it released */
	int64_t run_gain;               /* what its order earned */
	uint64_t mark_seq;              /* the ADD order at the device's last uevent */
	unsigned pending_replace;       /* REPLACEd nodes whose successor is unseen */
};

enum evidence_kind {
	EVIDENCE_OP,
	EVIDENCE_BIND,                  /* a uevent of the device: bind */
	EVIDENCE_UNBIND,                /* unbind */
	EVIDENCE_UEVENT,                /* any other */
};

struct evidence {
	enum evidence_kind kind;
	const char *dev;                /* interned */
	uint64_t id, token, size;
	uint64_t name;                  /* the name printed as an address, or 0 */
	enum drc_op word;               /* the op, when printed as a word (token 0) */
	bool close_marker;              /* name "grp>" */
	bool realloc;                   /* name devm_krealloc_release */
};

struct drc_opres {
	struct drc_ctx *ctx;            /* whose model has the lists as they stand */
	uint64_t token[OPRES_OPS];      /* decided: the address of each op, 0 = not seen */
	uint64_t events[OPRES_OPS];
	bool stale[OPRES_OPS];          /* decided in an earlier boot: its op is free again */
	struct evidence *ev;            /* undecided: the operations held back */
	size_t nev, cap;
	uint64_t undecided[OPRES_OPS];
	unsigned nundecided;
	/* names printed as addresses (before v6.13): those of the group markers */
	uint64_t grp_open, grp_close;
	bool grp_stale;                 /* learnt in an earlier boot */
	struct hashmap zero_last;       /* interned device -> struct zero_node */
	/* what earlier boots decided, for the report */
	struct drc_op_address past[16];
	unsigned npast;
};

struct zero_node {
	uint64_t id, name;
};

int drc_opres_new(struct drc_ctx *ctx, struct drc_opres **ret)
{
	/* the resolver reads the model's lists while the lines come: the
	 * model stays on this thread from here on (pipe.c) */
	int r = drc_pipe_stop(ctx);

	if (r < 0)
		return r;
	*ret = calloc(1, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	(*ret)->ctx = ctx;
	return 0;
}

static void dev_state_free(struct dev_state *d)
{
	if (d) {
		free(d->live);
		hashmap_done(&d->ids);
		free(d);
	}
}

struct drc_opres *drc_opres_free(struct drc_opres *r)
{
	if (r) {
		hashmap_done_free(&r->zero_last);
		free(r->ev);
		free(r);
	}
	return NULL;
}

/* An address of an earlier boot gives way to a new one for its op. */
static void retire(struct drc_opres *r, unsigned o)
{
	unsigned i;

	for (i = 0; i < r->npast && !(r->past[i].address == r->token[o] && r->past[i].op == o); i++)
		;
	if (i < r->npast)
		r->past[i].events += r->events[o];
	else if (r->npast < ARRAY_SIZE(r->past))
		r->past[r->npast++] = (struct drc_op_address){
			.address = r->token[o], .op = (enum drc_op)o, .events = r->events[o],
		};
	r->token[o] = 0;
	r->events[o] = 0;
	r->stale[o] = false;
}

/* A new boot: new lists, and perhaps (KASLR) new addresses; the same kernel
 * without KASLR prints the same ones again, so they stay readable. */
void drc_opres_new_boot(struct drc_opres *r)
{
	hashmap_done_free(&r->zero_last);
	for (unsigned o = 0; o < OPRES_OPS; o++)
		r->stale[o] = r->token[o] != 0;
	r->grp_stale = r->grp_open != 0;
}

/* "ffffffff82a0c1d0" (or 8 digits, or with 0x): a name printed as an address */
static uint64_t name_address(const char *name, size_t len)
{
	uint64_t v;
	unsigned digits;

	if (len > 2 && name[0] == '0' && name[1] == 'x')
		name += 2, len -= 2;
	if ((len != 8 && len != 16) || !drc_parse_ptr(name, len, &v, &digits))
		return 0;
	return v;
}

/*
 * "grp<" and "grp>" are the two nodes of one struct devres_group, exactly
 * sizeof(struct devres_node) apart (40 bytes on 64-bit, 20 on 32-bit; two
 * separate allocations of devres are never that close): the first two
 * 0-byte nodes of a device so placed, under two names, are the markers.
 */
static int learn_group_names(struct drc_opres *r, const char *dev, uint64_t id, uint64_t size, uint64_t name)
{
	struct zero_node *z;

	if (size != 0 || !name || (r->grp_open && !r->grp_stale))
		return 0;
	z = hashmap_get(&r->zero_last, (uint64_t)(uintptr_t)dev);
	if (z && z->name != name && (id - z->id == 40 || id - z->id == 20)) {
		r->grp_open = z->name;
		r->grp_close = name;
		r->grp_stale = false;
		return 0;
	}
	if (!z) {
		z = malloc(sizeof(*z));
		if (!z || hashmap_put(&r->zero_last, (uint64_t)(uintptr_t)dev, z) < 0) {
			free(z);
			return -ENOMEM;
		}
	}
	*z = (struct zero_node){ .id = id, .name = name };
	return 0;
}

const char *drc_opres_alias(const struct drc_opres *r, const char *name, size_t len)
{
	uint64_t a;

	if (!r->grp_open)
		return NULL;
	a = name_address(name, len);
	return !a ? NULL : a == r->grp_open ? "grp<" : a == r->grp_close ? "grp>" : NULL;
}

int drc_opres_lookup(const struct drc_opres *r, uint64_t token, enum drc_op *op)
{
	for (unsigned i = 0; i < OPRES_OPS; i++)
		if (r->token[i] == token) {
			*op = (enum drc_op)i;
			return 1;
		}
	return 0;
}

bool drc_opres_pending(const struct drc_opres *r)
{
	return r->nundecided > 0;
}

size_t drc_opres_held(const struct drc_opres *r)
{
	return r->nev;
}

/* ---- the device lists ---- */

static ssize_t live_find(const struct dev_state *d, uint64_t id);
static void live_take(struct dev_state *d, size_t at);

struct held_seed {
	struct dev_state *d;
	uint64_t *seq;
};

/*
 * Copies the model holds for a twin (a name printed as an address, and
 * what came after it) were read before the lines held back here: they are
 * part of the lists, in the order the model will apply them. A REL or REM
 * takes its node off; a REPLACE leaves the list as it is.
 */
static int held_copy(void *data, const struct drc_event *ev)
{
	struct held_seed *h = data;
	struct dev_state *d = h->d;
	ssize_t k;

	if (!ev->id_digits || ev->op == DRC_OP_REPLACE)
		return 0;
	k = live_find(d, ev->id);
	if (k >= 0) {
		live_take(d, (size_t)k);
		hashmap_remove(&d->ids, ev->id);
	}
	if (ev->op != DRC_OP_ADD)
		return 0;
	if (array_grow(&d->live, &d->cap, d->n, sizeof(*d->live), 8) < 0 || hashmap_put(&d->ids, ev->id, d) < 0)
		return -ENOMEM;
	d->live[d->n++] = (struct live_node){ .id = ev->id, .seq = ++*h->seq, .zero = ev->size == 0 };
	return 0;
}

/* A trial works on copies of the device lists as the model has them now. */
static struct dev_state *dev_get(struct hashmap *m, const char *dev, struct drc_ctx *ctx)
{
	struct dev_state *d = hashmap_get(m, (uint64_t)(uintptr_t)dev);
	struct drc_device *md = NULL;
	uint64_t seq = 0;

	if (d)
		return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (ctx->nboots && drc_ctx_find_device(ctx, dev, (int)ctx->nboots - 1, &md) > 0)
		for (struct drc_node *x = drc_device_get_first_node(md); x; x = drc_node_next(x)) {
			if (array_grow(&d->live, &d->cap, d->n, sizeof(*d->live), 8) < 0) {
				dev_state_free(d);
				return NULL;
			}
			d->live[d->n++] = (struct live_node){
				.id = drc_node_get_id(x), .seq = ++seq, .zero = drc_node_get_size(x) == 0,
			};
			if (hashmap_put(&d->ids, drc_node_get_id(x), d) < 0) {
				dev_state_free(d);
				return NULL;
			}
		}
	if (md && drc_model_held_each(ctx, md, held_copy, &(struct held_seed){ d, &seq }) < 0) {
		dev_state_free(d);
		return NULL;
	}
	d->run_last_seq = UINT64_MAX;
	d->run_min_seq = UINT64_MAX;
	/* what the model holds was added before what is held back: whether a
	 * uevent came since is not known, so none of it counts as this probe's */
	d->mark_seq = seq;
	if (hashmap_put(m, (uint64_t)(uintptr_t)dev, d) < 0) {
		dev_state_free(d);
		return NULL;
	}
	return d;
}

static ssize_t live_find(const struct dev_state *d, uint64_t id)
{
	if (!hashmap_get(&d->ids, id))
		return -1;
	for (size_t i = d->n; i-- > 0;)
		if (d->live[i].id == id)
			return (ssize_t)i;
	return -1;
}

/* The node at @at leaves the list (its id stays in d->ids until the caller says). */
static void live_take(struct dev_state *d, size_t at)
{
	memmove(d->live + at, d->live + at + 1, (d->n - at - 1) * sizeof(*d->live));
	d->n--;
}

static bool live_ordinary(const struct dev_state *d, size_t from)
{
	for (size_t i = from; i < d->n; i++)
		if (!d->live[i].zero)
			return true;
	return false;
}

/* A batch ends: a release-all (no group marker) leaves nothing behind. */
static void batch_end(struct dev_state *d)
{
	if (d->run_token && !d->run_zero && live_ordinary(d, 0))
		d->run_bad = true;
	d->run_zero = false;
	d->run_last_seq = UINT64_MAX;
}

static int64_t run_end(struct dev_state *d)
{
	int64_t cost;

	batch_end(d);
	cost = d->run_token && d->run_bad ? COST_NOT_BATCH : 0;
	d->run_token = 0;
	d->run_bad = false;
	d->run_min_seq = UINT64_MAX;
	d->run_gain = 0;
	return cost;
}

/*
 * A REL: it goes on with the batch in progress (an ordinary node added
 * before the last one released), or begins one (a group marker, or the
 * newest node of the device: a release-all), or no batch could log it.
 */
static void batch_step(struct dev_state *d, const struct evidence *e, ssize_t at, int64_t *cost)
{
	if (!d->run_token) {
		d->run_token = e->token;
		d->run_zero = false;
		d->run_last_seq = UINT64_MAX;
		d->run_min_seq = UINT64_MAX;
		d->run_gain = 0;
	}
	if (e->size == 0) {
		if (d->run_last_seq != UINT64_MAX)
			batch_end(d);
		d->run_zero = true;
		return;
	}
	if (at < 0)
		return;
	d->run_min_seq = MIN(d->run_min_seq, d->live[at].seq);
	if (d->live[at].seq < d->run_last_seq) {
		if (d->run_last_seq != UINT64_MAX) {
			*cost -= GAIN_BATCH_ORDER;
			d->run_gain += GAIN_BATCH_ORDER;
		}
		d->run_last_seq = d->live[at].seq;
		return;
	}
	batch_end(d);
	if (live_ordinary(d, (size_t)at + 1))
		d->run_bad = true;
	d->run_last_seq = d->live[at].seq;
}

/*
 * One operation on the lists; returns what it leaves unexplained. @rel_token
 * is the address taken for REL (its runs are checked against the batch
 * order), 0 if none.
 */
static int apply(struct hashmap *m, struct drc_ctx *ctx, uint64_t *seq, const struct evidence *e,
		 enum drc_op op, uint64_t rel_token, int64_t *cost)
{
	struct dev_state *d = dev_get(m, e->dev, ctx);
	ssize_t at;

	if (!d)
		return -ENOMEM;
	if (e->close_marker && op != DRC_OP_ADD)
		*cost += COST_CLOSE_NOT_ADD;
	if (op != DRC_OP_REL || e->token != d->run_token)
		*cost += run_end(d);
	at = live_find(d, e->id);
	if (op == DRC_OP_ADD) {
		if (at >= 0) {
			/* a "grp>" is never logged going away: its address comes back */
			if (!d->live[at].zero)
				*cost += COST_ADD_LIVE;
			live_take(d, (size_t)at);
		}
		if (array_grow(&d->live, &d->cap, d->n, sizeof(*d->live), 8) < 0 ||
		    hashmap_put(&d->ids, e->id, d) < 0)
			return -ENOMEM;
		d->live[d->n++] = (struct live_node){ .id = e->id, .seq = ++*seq, .zero = e->size == 0 };
		return 0;
	}
	if (op == DRC_OP_REL && rel_token)
		batch_step(d, e, at, cost);
	if (op == DRC_OP_REPLACE)
		d->pending_replace++;
	if (at < 0) {
		if (op == DRC_OP_REL && e->realloc && d->pending_replace)
			d->pending_replace--;
		else
			*cost += COST_UNSEEN;
		return 0;
	}
	live_take(d, (size_t)at);
	hashmap_remove(&d->ids, e->id);
	return 0;
}

/* A uevent of a device among the held operations. */
static int apply_uevent(struct hashmap *m, struct drc_ctx *ctx, uint64_t seq, const struct evidence *e,
			int64_t *cost)
{
	struct dev_state *d = dev_get(m, e->dev, ctx);

	if (!d)
		return -ENOMEM;
	if (e->kind == EVIDENCE_BIND && d->run_token && d->run_min_seq != UINT64_MAX &&
	    d->run_min_seq > d->mark_seq) {
		*cost += d->run_gain + COST_BIND_AFTER_BATCH;
		d->run_token = 0;
		d->run_bad = false;
		d->run_min_seq = UINT64_MAX;
		d->run_gain = 0;
	}
	/* (what the model held before is left out: its releases may be in
	 * the other witness's copies, still on their way) */
	if (e->kind == EVIDENCE_UNBIND)
		for (size_t i = 0; i < d->n; i++)
			if (!d->live[i].zero && d->live[i].seq > d->mark_seq)
				*cost += COST_LIVE_AT_UNBIND;
	d->mark_seq = seq;
	return 0;
}

/* An operation whose op is known, as it is applied to the model. */
int drc_opres_track(struct drc_opres *r, const char *dev, uint64_t id, enum drc_op op, uint64_t size,
		    const char *name)
{
	if (op < OPRES_OPS)
		r->events[op]++;
	return learn_group_names(r, dev, id, size, name_address(name, strlen(name)));
}

int drc_opres_observe(struct drc_opres *r, const char *dev, uint64_t id, uint64_t token, enum drc_op word,
		      uint64_t size, const char *name, size_t name_len)
{
	uint64_t na = name_address(name, name_len);
	enum drc_op op;
	unsigned i;

	if (learn_group_names(r, dev, id, size, na) < 0)
		return -ENOMEM;
	if (token && drc_opres_lookup(r, token, &op) == 0) {
		for (i = 0; i < r->nundecided && r->undecided[i] != token; i++)
			;
		if (i == r->nundecided) {
			/* more addresses than devres has ops: not ops at all */
			if (r->nundecided == OPRES_OPS)
				return 0;
			r->undecided[r->nundecided++] = token;
		}
	}
	if (array_grow(&r->ev, &r->cap, r->nev, sizeof(*r->ev), 256) < 0)
		return -ENOMEM;
	r->ev[r->nev++] = (struct evidence){
		.kind = EVIDENCE_OP, .dev = dev, .id = id, .token = token, .word = word, .size = size, .name = na,
		.close_marker = name_len == 4 && memcmp(name, "grp>", 4) == 0,
		.realloc = name_len == STRLEN("devm_krealloc_release") &&
			   memcmp(name, "devm_krealloc_release", name_len) == 0,
	};
	return 1;
}

int drc_opres_observe_uevent(struct drc_opres *r, const char *dev, enum drc_opres_uevent kind)
{
	static const enum evidence_kind as[] = {
		[DRC_OPRES_BIND] = EVIDENCE_BIND, [DRC_OPRES_UNBIND] = EVIDENCE_UNBIND,
		[DRC_OPRES_OTHER] = EVIDENCE_UEVENT,
	};

	if (!r->nundecided)
		return 0;
	if (array_grow(&r->ev, &r->cap, r->nev, sizeof(*r->ev), 256) < 0)
		return -ENOMEM;
	r->ev[r->nev++] = (struct evidence){ .kind = as[kind], .dev = dev };
	return 1;
}

/* Plays the held operations with undecided[i] taken as ops[i]. */
struct score {
	int64_t cost;           /* what the reading leaves unexplained, less what it confirms */
	uint64_t rare;          /* operations on rare ops: the tie-break */
};

static bool score_better(const struct score *a, const struct score *b)
{
	return a->cost < b->cost || (a->cost == b->cost && a->rare < b->rare);
}

static int trial(struct drc_opres *r, const enum drc_op *ops, struct score *ret)
{
	struct hashmap sim = HASHMAP_INIT;
	uint64_t seq = 1ull << 32, rel = r->token[DRC_OP_REL];
	int64_t cost = 0, prior = 0;
	uint64_t rare = 0;
	size_t pos = 0;
	uint64_t key;
	void *val;
	int err = 0;

	for (unsigned i = 0; i < r->nundecided; i++) {
		if (ops[i] == DRC_OP_REL)
			rel = r->undecided[i];
		/* the rarer ops need the evidence to say so */
		prior += ops[i] == DRC_OP_REM ? 1 : ops[i] == DRC_OP_REPLACE ? 2 : 0;
	}
	for (size_t k = 0; k < r->nev && !err; k++) {
		const struct evidence *e = &r->ev[k];
		enum drc_op op = DRC_OP_ADD;
		unsigned i;

		if (e->kind != EVIDENCE_OP) {
			err = apply_uevent(&sim, r->ctx, seq, e, &cost);
			continue;
		}
		if (!e->token)
			op = e->word;
		else if (drc_opres_lookup(r, e->token, &op) == 0) {
			for (i = 0; i < r->nundecided && r->undecided[i] != e->token; i++)
				;
			if (i == r->nundecided)
				continue;
			op = ops[i];
			rare += op == DRC_OP_REPLACE ? 2 : op == DRC_OP_REM ? 1 : 0;
		}
		if (r->grp_close && e->name == r->grp_close && !e->close_marker) {
			struct evidence c = *e;

			c.close_marker = true;
			err = apply(&sim, r->ctx, &seq, &c, op, rel, &cost);
			continue;
		}
		err = apply(&sim, r->ctx, &seq, e, op, rel, &cost);
	}
	while (hashmap_next(&sim, &pos, &key, &val)) {
		cost += run_end(val);
		dev_state_free(val);
	}
	hashmap_done(&sim);
	/* ties go to the assignment that puts fewer operations on rare ops */
	*ret = (struct score){ .cost = cost * 4 + prior, .rare = rare };
	return err;
}

/* Every injective assignment of the undecided addresses to the free ops. */
static int search(struct drc_opres *r, enum drc_op *ops, unsigned depth, bool *used, struct score *best,
		  enum drc_op *best_ops, bool *found)
{
	if (depth == r->nundecided) {
		struct score sc;
		int err = trial(r, ops, &sc);

		if (err < 0)
			return err;
		if (!*found || score_better(&sc, best)) {
			*found = true;
			*best = sc;
			memcpy(best_ops, ops, r->nundecided * sizeof(*ops));
		}
		return 0;
	}
	for (unsigned o = 0; o < OPRES_OPS; o++) {
		int err;

		if (used[o])
			continue;
		used[o] = true;
		ops[depth] = (enum drc_op)o;
		err = search(r, ops, depth + 1, used, best, best_ops, found);
		used[o] = false;
		if (err < 0)
			return err;
	}
	return 0;
}

int drc_opres_decide(struct drc_opres *r)
{
	enum drc_op ops[OPRES_OPS], best_ops[OPRES_OPS];
	bool used[OPRES_OPS] = { false };
	struct score best = { 0, 0 };
	bool found = false;
	int err;

	if (!r->nundecided)
		goto done;
	for (unsigned o = 0; o < OPRES_OPS; o++)
		used[o] = r->token[o] != 0 && !r->stale[o];
	err = search(r, ops, 0, used, &best, best_ops, &found);
	if (err < 0)
		return err;
	for (unsigned i = 0; i < r->nundecided && found; i++) {
		if (r->token[best_ops[i]])
			retire(r, best_ops[i]);
		r->token[best_ops[i]] = r->undecided[i];
	}
	r->nundecided = 0;
done:
	r->nev = 0;
	return 0;
}

size_t drc_opres_get(const struct drc_opres *r, struct drc_op_address *ret, size_t n)
{
	size_t k = 0;

	for (unsigned i = 0; i < r->npast; i++, k++)
		if (k < n)
			ret[k] = r->past[i];

	for (unsigned o = 0; o < OPRES_OPS; o++)
		if (r->token[o]) {
			if (k < n)
				ret[k] = (struct drc_op_address){
					.address = r->token[o], .op = (enum drc_op)o, .events = r->events[o],
				};
			k++;
		}
	return k;
}

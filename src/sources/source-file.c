// SPDX-License-Identifier: GPL-2.0-or-later
/* A capture file as a stream of lines, decompressed on the fly. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "shared/macro.h"
#include "source-file.h"

#define CHUNK (256 * 1024)

enum compression { COMP_NONE, COMP_GZIP, COMP_XZ, COMP_ZSTD };

struct source_file {
	int fd;
	bool own_fd;
	enum compression comp;
	uint64_t pos, size;
	unsigned char *in;              /* compressed input buffer */
	size_t in_len, in_off;
	bool in_eof;
	z_stream z;
	lzma_stream x;
	ZSTD_DStream *zs;
	bool stream_end;
	/* lines handed out by source_file_next_line() */
	char *lbuf;
	size_t lhave, lp;
	bool skipping;                  /* inside a line that was too long */
	bool leof;
};

static ssize_t read_raw(struct source_file *f, void *buf, size_t size)
{
	ssize_t n;

	do
		n = read(f->fd, buf, size);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	f->pos += (uint64_t)n;
	return n;
}

int source_file_open(const char *path, struct source_file **ret)
{
	struct source_file *f = calloc(1, sizeof(*f));
	struct stat st;
	ssize_t n;
	int r;

	if (!f)
		return -ENOMEM;
	if (strcmp(path, "-") == 0) {
		f->fd = STDIN_FILENO;
	} else {
		f->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (f->fd < 0) {
			r = -errno;
			free(f);
			return r;
		}
		f->own_fd = true;
	}
	if (fstat(f->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			source_file_close(f);
			return -EISDIR;
		}
		if (S_ISREG(st.st_mode))
			f->size = (uint64_t)st.st_size;
	}
	f->in = malloc(CHUNK);
	if (!f->in) {
		source_file_close(f);
		return -ENOMEM;
	}
	/* fill the first chunk to look at the magic */
	while (f->in_len < 6) {
		n = read_raw(f, f->in + f->in_len, CHUNK - f->in_len);
		if (n < 0) {
			source_file_close(f);
			return (int)n;
		}
		if (n == 0) {
			f->in_eof = true;
			break;
		}
		f->in_len += (size_t)n;
	}
	if (f->in_len >= 2 && f->in[0] == 0x1f && f->in[1] == 0x8b) {
		f->comp = COMP_GZIP;
		if (inflateInit2(&f->z, 15 + 32) != Z_OK) {
			source_file_close(f);
			return -ENOMEM;
		}
	} else if (f->in_len >= 6 && memcmp(f->in, "\xfd" "7zXZ\0", 6) == 0) {
		f->comp = COMP_XZ;
		f->x = (lzma_stream)LZMA_STREAM_INIT;
		if (lzma_stream_decoder(&f->x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
			source_file_close(f);
			return -ENOMEM;
		}
	} else if (f->in_len >= 4 && memcmp(f->in, "\x28\xb5\x2f\xfd", 4) == 0) {
		f->comp = COMP_ZSTD;
		f->zs = ZSTD_createDStream();
		if (!f->zs) {
			source_file_close(f);
			return -ENOMEM;
		}
		ZSTD_initDStream(f->zs);
	}
	*ret = f;
	return 0;
}

void source_file_close(struct source_file *f)
{
	if (!f)
		return;
	if (f->comp == COMP_GZIP)
		inflateEnd(&f->z);
	else if (f->comp == COMP_XZ)
		lzma_end(&f->x);
	else if (f->comp == COMP_ZSTD)
		ZSTD_freeDStream(f->zs);
	if (f->own_fd)
		close(f->fd);
	free(f->in);
	free(f->lbuf);
	free(f);
}

uint64_t source_file_get_pos(const struct source_file *f) { return f->pos; }
uint64_t source_file_get_size(const struct source_file *f) { return f->size; }

const char *source_file_get_compression(const struct source_file *f)
{
	static const char *const names[] = { "none", "gzip", "xz", "zstd" };

	return names[f->comp];
}

/* Make sure compressed input is available; 0 at end of file. */
static ssize_t refill(struct source_file *f)
{
	ssize_t n;

	if (f->in_off < f->in_len)
		return (ssize_t)(f->in_len - f->in_off);
	if (f->in_eof)
		return 0;
	n = read_raw(f, f->in, CHUNK);
	if (n < 0)
		return n;
	f->in_off = 0;
	f->in_len = (size_t)n;
	if (n == 0)
		f->in_eof = true;
	return n;
}

/* Decompressed bytes into buf; 0 at the end, -errno on failure. */
static ssize_t source_read(struct source_file *f, char *buf, size_t size)
{
	ssize_t n;

	/* plain text: once the bytes read to detect the format are used up,
	 * read straight into the caller's buffer instead of copying */
	if (f->comp == COMP_NONE && f->in_off >= f->in_len) {
		if (f->in_eof)
			return 0;
		n = read_raw(f, buf, size);
		if (n == 0)
			f->in_eof = true;
		return n;
	}
	for (;;) {
		n = refill(f);
		if (n < 0)
			return n;
		if (f->comp == COMP_NONE) {
			size_t c = MIN(size, f->in_len - f->in_off);

			memcpy(buf, f->in + f->in_off, c);
			f->in_off += c;
			return (ssize_t)c;
		}
		if (n == 0)
			return f->stream_end || f->comp != COMP_GZIP ? 0 : -EBADMSG;
		if (f->comp == COMP_GZIP) {
			int zr;

			f->z.next_in = f->in + f->in_off;
			f->z.avail_in = (uInt)(f->in_len - f->in_off);
			f->z.next_out = (Bytef *)buf;
			f->z.avail_out = (uInt)size;
			zr = inflate(&f->z, Z_NO_FLUSH);
			f->in_off = f->in_len - f->z.avail_in;
			if (zr == Z_STREAM_END) {
				f->stream_end = true;
				inflateReset(&f->z);    /* concatenated members */
			} else if (zr == Z_OK) {
				f->stream_end = false;
			} else if (zr != Z_BUF_ERROR) {
				return -EBADMSG;
			}
			if (size - f->z.avail_out)
				return (ssize_t)(size - f->z.avail_out);
		} else if (f->comp == COMP_XZ) {
			lzma_ret xr;

			f->x.next_in = f->in + f->in_off;
			f->x.avail_in = f->in_len - f->in_off;
			f->x.next_out = (uint8_t *)buf;
			f->x.avail_out = size;
			xr = lzma_code(&f->x, f->in_eof ? LZMA_FINISH : LZMA_RUN);
			f->in_off = f->in_len - f->x.avail_in;
			if (xr != LZMA_OK && xr != LZMA_STREAM_END && xr != LZMA_BUF_ERROR)
				return -EBADMSG;
			if (size - f->x.avail_out)
				return (ssize_t)(size - f->x.avail_out);
			if (xr == LZMA_STREAM_END)
				return 0;
		} else {
			ZSTD_inBuffer zi = { f->in, f->in_len, f->in_off };
			ZSTD_outBuffer zo = { buf, size, 0 };
			size_t zr = ZSTD_decompressStream(f->zs, &zo, &zi);

			f->in_off = zi.pos;
			if (ZSTD_isError(zr))
				return -EBADMSG;
			if (zo.pos)
				return (ssize_t)zo.pos;
		}
	}
}

int source_file_next_line(struct source_file *f, const char **line, size_t *len, bool *cut)
{
	if (!f->lbuf) {
		f->lbuf = malloc(CHUNK + SOURCE_LINE_MAX);
		if (!f->lbuf)
			return -ENOMEM;
	}
	for (;;) {
		char *p = f->lbuf + f->lp;
		size_t rest = f->lhave - f->lp;
		char *nl = rest ? memchr(p, '\n', rest) : NULL;
		ssize_t n;

		if (nl) {
			f->lp += (size_t)(nl - p) + 1;
			if (f->skipping) {
				f->skipping = false;
				continue;
			}
			*line = p, *len = (size_t)(nl - p), *cut = false;
			return 1;
		}
		if (rest >= SOURCE_LINE_MAX) {
			/* no end of line within the limit: hand it out cut, skip the rest */
			f->lp = f->lhave;
			if (f->skipping)
				continue;
			f->skipping = true;
			*line = p, *len = SOURCE_LINE_MAX, *cut = true;
			return 1;
		}
		if (f->leof) {
			f->lp = f->lhave;
			if (!rest || f->skipping)
				return 0;
			*line = p, *len = rest, *cut = false;
			return 1;
		}
		if (f->lp) {
			memmove(f->lbuf, p, rest);
			f->lhave = rest, f->lp = 0;
		}
		n = source_read(f, f->lbuf + f->lhave, CHUNK + SOURCE_LINE_MAX - f->lhave);
		if (n < 0)
			return (int)n;
		if (n == 0)
			f->leof = true;
		f->lhave += (size_t)n;
	}
}

int source_file_for_each_line(struct source_file *f, source_line_fn fn, void *userdata,
			      source_progress_fn progress, void *progress_data)
{
	uint64_t last_progress = 0;
	const char *line;
	size_t len;
	bool cut;
	int r;

	while ((r = source_file_next_line(f, &line, &len, &cut)) > 0) {
		if ((r = fn(userdata, line, len, cut)) < 0)
			return r;
		if (progress && f->pos - last_progress >= (16u << 20)) {
			last_progress = f->pos;
			progress(progress_data, f->pos, f->size);
		}
	}
	return r;
}

static int feed_line(void *userdata, const char *line, size_t len, bool cut)
{
	struct drc_stream *s = userdata;

	if (cut) {
		drc_stream_note_long_line(s);
		return 0;
	}
	return drc_stream_feed_line(s, line, len);
}

int source_file_feed(struct source_file *f, struct drc_stream *s, source_progress_fn progress,
		     void *userdata)
{
	return source_file_for_each_line(f, feed_line, s, progress, userdata);
}

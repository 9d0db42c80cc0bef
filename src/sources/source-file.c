// SPDX-License-Identifier: GPL-2.0-or-later
/* A capture file as a stream of lines, decompressed on the fly. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "shared/macro.h"
#include "source-file.h"
#include "trace-dat.h"

#define CHUNK (256 * 1024)

enum compression { COMP_NONE, COMP_GZIP, COMP_XZ, COMP_ZSTD };
/* the text's own encoding, told by its first bytes */
enum text_encoding { TEXT_UNKNOWN, TEXT_UTF8, TEXT_UTF16LE, TEXT_UTF16BE };

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
	/* decompressed bytes read to look for a trace.dat's magic, given out first */
	unsigned char pre[TRACE_DAT_MAGIC_LEN];
	size_t pre_len, pre_off;
	int pre_err;                    /* -errno met while filling after them */
	struct trace_dat *tdat;         /* a trace-cmd record file: its lines */
	enum text_encoding enc;
	bool cr_lines;                  /* lines end in CR alone (an old Mac, a terminal log) */
	unsigned char *wide;            /* UTF-16 bytes read, not converted yet */
	size_t wide_len;
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

static ssize_t source_read(struct source_file *f, char *buf, size_t size);
static int trace_dat_check(struct source_file *f);

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
	while (f->in_len < TRACE_DAT_MAGIC_LEN) {
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
	r = trace_dat_check(f);
	if (r < 0) {
		source_file_close(f);
		return r;
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
	trace_dat_close(f->tdat);
	if (f->own_fd)
		close(f->fd);
	free(f->in);
	free(f->wide);
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

/*
 * The compressed file has no more bytes: what the decoder still holds, 0
 * when its last stream or frame was complete, or -EBADMSG when the file
 * stops inside one (cut short: a copy that did not finish, a full disk),
 * as gzip, xz and zstd themselves say "unexpected end of input".
 */
static ssize_t compressed_end(struct source_file *f, char *buf, size_t size)
{
	if (f->comp == COMP_GZIP)
		return f->stream_end ? 0 : -EBADMSG;
	if (f->comp == COMP_XZ && !f->stream_end) {
		lzma_ret xr;

		/* LZMA_CONCATENATED: only LZMA_FINISH says no stream follows */
		f->x.next_in = NULL;
		f->x.avail_in = 0;
		f->x.next_out = (uint8_t *)buf;
		f->x.avail_out = size;
		xr = lzma_code(&f->x, LZMA_FINISH);
		f->stream_end = xr == LZMA_STREAM_END;
		if (size - f->x.avail_out && (xr == LZMA_OK || xr == LZMA_STREAM_END))
			return (ssize_t)(size - f->x.avail_out);
		return xr == LZMA_STREAM_END ? 0 : -EBADMSG;
	}
	if (f->comp == COMP_ZSTD && !f->stream_end) {
		ZSTD_inBuffer zi = { NULL, 0, 0 };
		ZSTD_outBuffer zo = { buf, size, 0 };
		size_t zr = ZSTD_decompressStream(f->zs, &zo, &zi);

		if (ZSTD_isError(zr))
			return -EBADMSG;
		f->stream_end = zr == 0;
		if (zo.pos)
			return (ssize_t)zo.pos;
		return -EBADMSG;
	}
	return 0;
}

/* Decompressed bytes into buf; 0 at the end, -errno on failure. */
static ssize_t source_read(struct source_file *f, char *buf, size_t size)
{
	ssize_t n;

	if (f->pre_off < f->pre_len) {
		size_t c = MIN(size, f->pre_len - f->pre_off);

		memcpy(buf, f->pre + f->pre_off, c);
		f->pre_off += c;
		/* and what follows: the first read is the text's first chunk,
		 * which tells how its lines end (text_read()) */
		n = c < size && !f->pre_err ? source_read(f, buf + c, size - c) : 0;
		if (n < 0)
			f->pre_err = (int)n;    /* said at the next read */
		return (ssize_t)c + (n > 0 ? n : 0);
	}
	if (f->pre_err) {
		n = f->pre_err;
		f->pre_err = 0;
		return n;
	}
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
			return compressed_end(f, buf, size);
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
			f->stream_end = zr == 0;
			if (zo.pos)
				return (ssize_t)zo.pos;
		}
	}
}

/* The rest of the decompressed file into @fd; 0 or -errno. */
static int spool(struct source_file *f, int fd, const void *head, size_t hlen)
{
	char *buf = malloc(CHUNK);
	ssize_t n = (ssize_t)hlen;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	for (const char *p = head; n > 0 && r == 0; n = source_read(f, buf, CHUNK), p = buf) {
		while (n > 0) {
			ssize_t w = write(fd, p, (size_t)n);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				r = -errno;
				break;
			}
			p += w, n -= w;
		}
	}
	free(buf);
	return r < 0 ? r : n < 0 ? (int)n : 0;
}

/*
 * A trace-cmd record file (trace.dat) is read by libtracecmd, which seeks:
 * a plain file as it is, standard input or a decompressed one from a copy
 * in memory. Anything else stays text, the bytes looked at given out first.
 */
static int trace_dat_check(struct source_file *f)
{
	const unsigned char *head = f->in;
	size_t hlen = f->in_len;
	int fd, r;

	if (f->comp != COMP_NONE) {
		while (f->pre_len < sizeof(f->pre)) {
			ssize_t n = source_read(f, (char *)f->pre + f->pre_len, sizeof(f->pre) - f->pre_len);

			if (n < 0) {
				f->pre_err = (int)n;    /* a read of the capture says it */
				break;
			}
			if (n == 0)
				break;
			f->pre_len += (size_t)n;
		}
		head = f->pre, hlen = f->pre_len;
	}
	if (!trace_dat_magic(head, hlen))
		return 0;
	if (f->comp == COMP_NONE && lseek(f->fd, 0, SEEK_SET) == 0) {
		fd = fcntl(f->fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return -errno;
	} else {
		fd = memfd_create("trace.dat", MFD_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (f->comp != COMP_NONE)
			f->pre_off = f->pre_len;        /* spooled from head */
		else
			f->in_off = f->in_len;
		r = spool(f, fd, head, hlen);
		if (r < 0 || lseek(fd, 0, SEEK_SET) != 0) {
			close(fd);
			return r < 0 ? r : -errno;
		}
	}
	return trace_dat_open(fd, &f->tdat);
}

/*
 * UTF-16 units as UTF-8 into out (room for @size bytes, at least 6); the
 * bytes of an unfinished unit or surrogate pair stay in f->wide.
 */
static size_t utf16_convert(struct source_file *f, char *out, size_t size)
{
	const unsigned char *w = f->wide;
	size_t i = 0, o = 0;
	bool le = f->enc == TEXT_UTF16LE;

	while (i + 2 <= f->wide_len && o + 6 <= size) {
		uint32_t c = le ? (uint32_t)(w[i] | w[i + 1] << 8) : (uint32_t)(w[i] << 8 | w[i + 1]);
		size_t used = 2;

		if (c >= 0xd800 && c < 0xdc00) {
			uint32_t lo;

			if (i + 4 > f->wide_len)
				break;          /* the pair's second half is still to come */
			lo = le ? (uint32_t)(w[i + 2] | w[i + 3] << 8) : (uint32_t)(w[i + 2] << 8 | w[i + 3]);
			if (lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				used = 4;
			} else {
				c = '?';
			}
		} else if (c >= 0xdc00 && c < 0xe000) {
			c = '?';
		}
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | c >> 18);
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
		i += used;
	}
	memmove(f->wide, w + i, f->wide_len - i);
	f->wide_len -= i;
	return o;
}

/* Text as UTF-8: a UTF-8 byte order mark is dropped, UTF-16 (a Windows
 * editor's or PowerShell's) converted. 0 at the end. */
static ssize_t text_decode(struct source_file *f, char *buf, size_t size)
{
	ssize_t n;

	if (f->enc == TEXT_UNKNOWN) {
		size_t have = 0;
		const unsigned char *b = (const unsigned char *)buf;

		while (have < 4) {
			n = source_read(f, buf + have, size - have);
			if (n < 0)
				return n;
			if (n == 0)
				break;
			have += (size_t)n;
		}
		f->enc = TEXT_UTF8;
		if (have >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
			memmove(buf, buf + 3, have - 3);
			return (ssize_t)(have - 3);
		}
		if (have >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff)))
			f->enc = b[0] == 0xff ? TEXT_UTF16LE : TEXT_UTF16BE;
		/* no mark, but ASCII text in 16-bit units: "[\0 \0" */
		else if (have >= 4 && b[0] && !b[1] && b[2] && !b[3] && b[0] < 0x80 && b[2] < 0x80)
			f->enc = TEXT_UTF16LE;
		else if (have >= 4 && !b[0] && b[1] && !b[2] && b[3] && b[1] < 0x80 && b[3] < 0x80)
			f->enc = TEXT_UTF16BE;
		if (f->enc == TEXT_UTF8)
			return (ssize_t)have;
		f->wide = malloc(CHUNK);
		if (!f->wide)
			return -ENOMEM;
		{
			size_t skip = (b[0] == 0xff || b[0] == 0xfe) ? 2 : 0;

			memcpy(f->wide, buf + skip, have - skip);
			f->wide_len = have - skip;
		}
	}
	if (f->enc == TEXT_UTF8)
		return source_read(f, buf, size);
	for (;;) {
		size_t o;

		n = f->wide_len < CHUNK ? source_read(f, (char *)f->wide + f->wide_len, CHUNK - f->wide_len) : 0;
		if (n < 0)
			return n;
		f->wide_len += (size_t)n;
		o = utf16_convert(f, buf, size);
		if (o || n == 0)
			return (ssize_t)o;      /* at the end, an odd last byte is dropped */
	}
}

/* ... and lines that end in CR alone: the first text read has CRs and no LF */
static ssize_t text_read(struct source_file *f, char *buf, size_t size)
{
	bool first = f->enc == TEXT_UNKNOWN;
	ssize_t n = text_decode(f, buf, size);

	if (n > 0 && first) {
		/* a CR with text after it: not a CRLF cut by a short read */
		const char *cr = memchr(buf, '\r', (size_t)n);

		f->cr_lines = cr && cr + 1 < buf + n && !memchr(buf, '\n', (size_t)n);
	}
	if (n > 0 && f->cr_lines)
		for (char *p = buf; (p = memchr(p, '\r', (size_t)(buf + n - p))); p++)
			*p = '\n';
	return n;
}

int source_file_next_line(struct source_file *f, const char **line, size_t *len, bool *cut)
{
	if (f->tdat) {
		*cut = false;
		return trace_dat_next_line(f->tdat, line, len);
	}
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
		n = text_read(f, f->lbuf + f->lhave, CHUNK + SOURCE_LINE_MAX - f->lhave);
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

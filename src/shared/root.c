// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "root.h"

static char root[4096];

void root_set(const char *dir)
{
	size_t n;

	if (!dir || !*dir || strcmp(dir, "/") == 0) {
		root[0] = '\0';
		return;
	}
	snprintf(root, sizeof(root), "%s", dir);
	n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		root[--n] = '\0';
}

const char *root_dir(void)
{
	return root;
}

bool root_is_real(void)
{
	return !root[0];
}

int root_path(char *buf, size_t len, const char *path)
{
	int n = snprintf(buf, len, "%s%s", root, path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int root_open(const char *path, int flags)
{
	char p[4096];
	int fd, r;

	r = root_path(p, sizeof(p), path);
	if (r < 0)
		return r;
	fd = open(p, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

bool root_exists(const char *path)
{
	char p[4096];

	return root_path(p, sizeof(p), path) == 0 && access(p, F_OK) == 0;
}

ssize_t root_read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	char *nl;
	int fd = root_open(path, O_RDONLY);

	if (fd < 0)
		return fd;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return (ssize_t)strlen(buf);
}

int root_write(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd = root_open(path, O_WRONLY | O_TRUNC), r = 0;

	if (fd < 0)
		return fd;
	do
		n = write(fd, s, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	return r;
}

int root_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char p[4096];
	int fd, r;

	r = root_path(p, sizeof(p), path);
	if (r < 0 || strlen(p) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, p, strlen(p) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

ssize_t root_readlink(const char *path, char *buf, size_t len)
{
	char p[4096];
	ssize_t n;
	int r = root_path(p, sizeof(p), path);

	if (r < 0)
		return r;
	n = readlink(p, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int root_link_name(const char *path, char *buf, size_t len)
{
	char t[4096];
	const char *slash;
	ssize_t n = root_readlink(path, t, sizeof(t));

	if (n < 0)
		return (int)n;
	slash = strrchr(t, '/');
	snprintf(buf, len, "%s", slash ? slash + 1 : t);
	return 0;
}

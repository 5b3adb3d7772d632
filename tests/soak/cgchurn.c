/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Create or delete many fixture cgroups in one process (a shell loop forks two programs per
 * cgroup: minutes per 1000 on a loaded 2-core host).
 *
 *   cgchurn create TEMPLATE_DIR CURRENT_FILE PARENT PREFIX COUNT
 *   cgchurn delete PARENT PREFIX COUNT
 *
 * create makes PARENT/PREFIX0 .. PARENT/PREFIX{COUNT-1}, each a copy of the regular files of
 * TEMPLATE_DIR, then hard-links CURRENT_FILE in as memory.current; delete unlinks
 * memory.current first, then the other files and the directory. vswapd treats a directory
 * with memory.current as a cgroup, so each appears and goes as a whole, as mkdir and rmdir
 * make them on cgroupfs: the daemon never sees a knob file created but not yet filled. The
 * link (unlike a rename) raises IN_CREATE, which is what the daemon watches for.
 * Exit 0, or 1 with a message.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct file {
	char name[256];
	char *data;
	size_t len;
	mode_t mode;
};

static int die(const char *what, const char *path)
{
	fprintf(stderr, "cgchurn: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static size_t load_template(const char *dir, struct file **ret)
{
	DIR *d = opendir(dir);
	struct file *files = NULL;
	size_t n = 0;
	struct dirent *de;

	if (!d)
		die("cannot open", dir);
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		files = realloc(files, (n + 1) * sizeof(*files));
		struct file *f = &files[n++];
		snprintf(f->name, sizeof(f->name), "%s", de->d_name);
		f->mode = st.st_mode & 07777;
		f->len = (size_t)st.st_size;
		f->data = malloc(f->len + 1);
		int fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, f->data, f->len) != (ssize_t)f->len)
			die("cannot read", path);
		close(fd);
	}
	closedir(d);
	*ret = files;
	return n;
}

static void template_free(struct file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i].data);
	free(files);
}

static void create_one(int parent, const char *name, const struct file *files, size_t n,
		       const char *current)
{
	if (mkdirat(parent, name, 0755) < 0)
		die("cannot create", name);
	int dfd = openat(parent, name, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		die("cannot open", name);
	for (size_t i = 0; i < n; i++) {
		int fd = openat(dfd, files[i].name, O_WRONLY | O_CREAT | O_EXCL, files[i].mode);
		if (fd < 0 || write(fd, files[i].data, files[i].len) != (ssize_t)files[i].len)
			die("cannot write", files[i].name);
		close(fd);
	}
	if (linkat(AT_FDCWD, current, dfd, "memory.current", 0) < 0)
		die("cannot link memory.current in", name);
	close(dfd);
}

static void delete_one(int parent, const char *name)
{
	int dfd = openat(parent, name, O_RDONLY | O_DIRECTORY);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;

	if (!d)
		die("cannot open", name);
	if (unlinkat(dfd, "memory.current", 0) < 0 && errno != ENOENT)
		die("cannot remove memory.current in", name);
	while ((de = readdir(d)))
		if (unlinkat(dfd, de->d_name, 0) < 0 && errno != EISDIR && errno != ENOENT)
			die("cannot remove a file in", name);
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0)
		die("cannot remove", name);
}

int main(int argc, char **argv)
{
	char name[256];
	struct file *files = NULL;
	size_t n = 0;
	int create = argc == 7 && strcmp(argv[1], "create") == 0;
	int del = argc == 5 && strcmp(argv[1], "delete") == 0;

	if (!create && !del) {
		fprintf(stderr,
			"usage: cgchurn create TEMPLATE_DIR CURRENT_FILE PARENT PREFIX COUNT\n"
			"       cgchurn delete PARENT PREFIX COUNT\n");
		return 2;
	}
	const char *parent = argv[create ? 4 : 2], *prefix = argv[create ? 5 : 3];
	long count = strtol(argv[create ? 6 : 4], NULL, 10);
	if (create)
		n = load_template(argv[2], &files);
	int pfd = open(parent, O_RDONLY | O_DIRECTORY);
	if (pfd < 0)
		die("cannot open", parent);
	for (long k = 0; k < count; k++) {
		snprintf(name, sizeof(name), "%.200s%ld", prefix, k);
		if (create)
			create_one(pfd, name, files, n, argv[3]);
		else
			delete_one(pfd, name);
	}
	close(pfd);
	template_free(files, n);
	return 0;
}

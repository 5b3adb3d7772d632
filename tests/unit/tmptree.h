/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Scratch root trees for tests: a temp dir with files written by relative path. */

/* mkdtemp a root with proc/self/mountinfo naming a cgroup2 mount at /sys/fs/cgroup. */
char *tmptree_new(void);
/* Write content to ROOT/path, creating parent directories. */
void tmptree_write(const char *root, const char *path, const char *content);
void tmptree_mkdir(const char *root, const char *path);
/* Read ROOT/path into a static buffer (tests compare it). */
const char *tmptree_read(const char *root, const char *path);
void tmptree_free(char *root);

/* ROOT/path -> target. */
void tmptree_symlink(const char *root, const char *path, const char *target);

/* A scratch root and a context opened on it, for cmocka state. */
struct vswap_ctx;
struct tmptree_fixture {
	char *root;
	struct vswap_ctx *ctx;
};

/* Open the context on root (taking it) into a new fixture. */
struct tmptree_fixture *tmptree_fixture_open(char *root);
/* cmocka teardown of a struct tmptree_fixture in *state. */
int tmptree_fixture_teardown(void **state);

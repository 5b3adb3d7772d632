/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "jsonpos.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct scan {
	const char *s;
	size_t len;
	size_t i;
};

static void skip_ws(struct scan *sc)
{
	while (sc->i < sc->len && strchr(" \t\r\n", sc->s[sc->i]) && sc->s[sc->i])
		sc->i++;
}

static char peek(const struct scan *sc)
{
	return sc->i < sc->len ? sc->s[sc->i] : '\0';
}

/* Past a string starting at its quote; returns the offset of its first content byte. */
static size_t skip_string(struct scan *sc)
{
	size_t start = ++sc->i;

	while (sc->i < sc->len && sc->s[sc->i] != '"')
		sc->i += sc->s[sc->i] == '\\' ? 2 : 1;
	sc->i++;
	return start;
}

static void skip_value(struct scan *sc);

static void skip_container(struct scan *sc, char close)
{
	sc->i++;
	for (;;) {
		skip_ws(sc);
		char c = peek(sc);
		if (c == close || c == '\0') {
			sc->i++;
			return;
		}
		if (c == ',' || c == ':')
			sc->i++;
		else
			skip_value(sc);
	}
}

static void skip_value(struct scan *sc)
{
	skip_ws(sc);
	switch (peek(sc)) {
	case '"':
		skip_string(sc);
		return;
	case '{':
		skip_container(sc, '}');
		return;
	case '[':
		skip_container(sc, ']');
		return;
	}
	while (sc->i < sc->len && !strchr(",}] \t\r\n", sc->s[sc->i]))
		sc->i++;
}

/* Key bytes equal to the path component (keys with escapes never match: ours have none). */
static bool key_is(const struct scan *sc, size_t start, const char *key, size_t key_len)
{
	return sc->i - 1 - start == key_len && memcmp(sc->s + start, key, key_len) == 0;
}

/* In the object at sc->i, find the last member named key; sc->i ends at its value. */
static int find_member(struct scan *sc, const char *key, size_t key_len, struct vswap_json_pos *ret)
{
	bool found = false;

	skip_ws(sc);
	if (peek(sc) != '{')
		return -ENOENT;
	sc->i++;
	for (;;) {
		skip_ws(sc);
		if (peek(sc) != '"')
			break;
		size_t key_offset = sc->i;
		size_t start = skip_string(sc);
		bool match = key_is(sc, start, key, key_len);
		skip_ws(sc);
		sc->i++; /* ':' */
		skip_ws(sc);
		if (match) {
			*ret = (struct vswap_json_pos){key_offset, sc->i};
			found = true;
		}
		skip_value(sc);
		skip_ws(sc);
		if (peek(sc) == ',')
			sc->i++;
	}
	return found ? 0 : -ENOENT;
}

/* In the array at sc->i, find element index; sc->i ends at it. */
static int find_element(struct scan *sc, const char *index, size_t n, struct vswap_json_pos *ret)
{
	size_t want = 0;

	for (size_t i = 0; i < n; i++) {
		if (index[i] < '0' || index[i] > '9')
			return -ENOENT;
		want = want * 10 + (size_t)(index[i] - '0');
	}
	sc->i++;
	for (size_t k = 0;; k++) {
		skip_ws(sc);
		char c = peek(sc);
		if (c == ']' || c == '\0')
			return -ENOENT;
		if (k == want) {
			*ret = (struct vswap_json_pos){sc->i, sc->i};
			return 0;
		}
		skip_value(sc);
		skip_ws(sc);
		if (peek(sc) == ',')
			sc->i++;
	}
}

int vswap_json_locate(const char *text, size_t len, const char *path, struct vswap_json_pos *ret)
{
	struct scan sc = {.s = text, .len = len};
	struct vswap_json_pos pos = {};

	while (*path) {
		size_t n = strcspn(path, "/");
		skip_ws(&sc);
		int r = peek(&sc) == '[' ? find_element(&sc, path, n, &pos)
					 : find_member(&sc, path, n, &pos);
		if (r < 0)
			return r;
		sc.i = pos.value_offset;
		path += n + (path[n] == '/');
	}
	*ret = pos;
	return 0;
}

void vswap_json_line_column(const char *text, size_t offset, unsigned *ret_line,
			    unsigned *ret_column)
{
	unsigned line = 1, column = 1;

	for (size_t i = 0; i < offset && text[i]; i++) {
		if (text[i] == '\n') {
			line++;
			column = 1;
		} else
			column++;
	}
	*ret_line = line;
	*ret_column = column;
}

/* The duplicate search: the first key found twice, and where. */
struct dup {
	struct scan sc;
	bool found;
	size_t offset;
	char *path;
	size_t path_len;
};

static void dup_value(struct dup *d, const char *path);

/* A path component appended to path, into buf. */
static void path_join(char *buf, size_t len, const char *path, const char *comp, size_t comp_len)
{
	snprintf(buf, len, "%s%s%.*s", path, *path ? "/" : "", (int)comp_len, comp);
}

static void dup_object(struct dup *d, const char *path)
{
	struct scan *sc = &d->sc;
	size_t keys[256], lens[256], n = 0;

	sc->i++;
	for (skip_ws(sc); !d->found && peek(sc) == '"'; skip_ws(sc)) {
		size_t key_offset = sc->i, start = skip_string(sc), klen = sc->i - 1 - start;
		char sub[512];
		path_join(sub, sizeof(sub), path, sc->s + start, klen);
		for (size_t k = 0; k < n && !d->found; k++)
			if (lens[k] == klen && !memcmp(sc->s + keys[k], sc->s + start, klen)) {
				d->found = true;
				d->offset = key_offset;
				snprintf(d->path, d->path_len, "%s", sub);
			}
		if (n < 256) {
			keys[n] = start;
			lens[n++] = klen;
		}
		skip_ws(sc);
		sc->i++; /* ':' */
		dup_value(d, sub);
		skip_ws(sc);
		if (peek(sc) == ',')
			sc->i++;
	}
	skip_ws(sc);
	sc->i++; /* '}' */
}

static void dup_array(struct dup *d, const char *path)
{
	struct scan *sc = &d->sc;
	char sub[512], index[24];

	sc->i++;
	for (size_t n = 0; !d->found; n++) {
		skip_ws(sc);
		if (peek(sc) == ']' || peek(sc) == '\0')
			break;
		snprintf(index, sizeof(index), "%zu", n);
		path_join(sub, sizeof(sub), path, index, strlen(index));
		dup_value(d, sub);
		skip_ws(sc);
		if (peek(sc) == ',')
			sc->i++;
	}
	sc->i++; /* ']' */
}

static void dup_value(struct dup *d, const char *path)
{
	skip_ws(&d->sc);
	if (peek(&d->sc) == '{')
		dup_object(d, path);
	else if (peek(&d->sc) == '[')
		dup_array(d, path);
	else
		skip_value(&d->sc);
}

int vswap_json_find_duplicate(const char *text, size_t len, size_t *ret_offset, char *ret_path,
			      size_t path_len)
{
	struct dup d = {.sc = {.s = text, .len = len}, .path = ret_path, .path_len = path_len};

	dup_value(&d, "");
	if (d.found)
		*ret_offset = d.offset;
	return d.found;
}

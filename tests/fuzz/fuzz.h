/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Shared checks for the libFuzzer targets. A broken invariant abort()s, which libFuzzer reports
 * as a crash and saves the input that caused it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(expr)                                                                          \
	do {                                                                                       \
		if (!(expr)) {                                                                     \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__,       \
				#expr);                                                            \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* A NUL-terminated copy for the APIs that take a C string (the caller frees). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	fuzz_assert(s);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Lines as the parsers count them: a final line without newline counts, an empty tail not. */
static inline size_t fuzz_count_lines(const char *buf, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n + (len > 0 && buf[len - 1] != '\n');
}

/* Length of 1-based line `line` without its newline; 0 past the end. */
static inline size_t fuzz_line_len(const char *buf, size_t len, unsigned line)
{
	const char *p = buf, *end = buf + len;

	for (unsigned l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	if (p >= end)
		return 0;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return (size_t)((nl ? nl : end) - p);
}

/* An error set up so that a parser that fails to fill it in is caught. */
static inline struct vswap_parse_error fuzz_error_unset(void)
{
	struct vswap_parse_error err;

	memset(&err, 0xa5, sizeof(err));
	err.line = 0;
	err.column = 0;
	return err;
}

/*
 * -EBADMSG must say where, inside the input: line 1.. (line 1 of an empty input), column 1 up
 * to one past the end of that line, and a non-empty NUL-terminated "what".
 */
static inline void fuzz_check_error(const char *buf, size_t len,
				    const struct vswap_parse_error *err)
{
	size_t lines = fuzz_count_lines(buf, len);

	fuzz_assert(err->line >= 1);
	fuzz_assert(err->column >= 1);
	fuzz_assert(err->line <= (lines ? lines : 1));
	fuzz_assert(err->column <= fuzz_line_len(buf, len, err->line) + 1);
	fuzz_assert(memchr(err->what, '\0', sizeof(err->what)) != NULL);
	fuzz_assert(err->what[0] != '\0');
}

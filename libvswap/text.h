/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/*
 * Names from the outside (cgroup names may hold any byte but '/' and NUL) made safe for JSON,
 * which must be valid UTF-8.
 */

/* A copy of s with every byte that is not part of valid UTF-8 replaced by U+FFFD (no
 * overlong forms, no surrogates, nothing past U+10FFFF). NULL out of memory. */
char *vswap_utf8_valid(const char *s);

/*
 * The candidate closest to word by edit distance (insertions, deletions, substitutions, and
 * swaps of two neighbours), when close enough to be a likely typo: at most 1 edit for words
 * up to 4 characters, 2 up to 8, 3 beyond. NULL when none is.
 */
const char *vswap_closest(const char *word, const char *const *candidates, size_t n);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Names from the outside (cgroup names may hold any byte but '/' and NUL) made safe for JSON,
 * which must be valid UTF-8.
 */

/* A copy of s with every byte that is not part of valid UTF-8 replaced by U+FFFD (no
 * overlong forms, no surrogates, nothing past U+10FFFF). NULL out of memory. */
char *vswap_utf8_valid(const char *s);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Where a member of a JSON document stands in its text. json-c parses without keeping
 * positions, so errors about a value's meaning find the position again here to report
 * FILE:LINE:COLUMN. The text must already be known valid JSON (json-c parsed it).
 */

#include <stddef.h>

struct vswap_json_pos {
	size_t key_offset;   /* the opening quote of the member's key */
	size_t value_offset; /* the first character of its value */
};

/*
 * Find the member at path: "/"-separated object keys and array indices ("writeback/when/0").
 * For an array element, key_offset is value_offset. Returns 0, or
 * -ENOENT when absent. A key that appears twice is found at its last occurrence, as json-c
 * keeps the last one.
 */
int vswap_json_locate(const char *text, size_t len, const char *path, struct vswap_json_pos *ret);

/* 1-based line and column (in bytes) of an offset. */
void vswap_json_line_column(const char *text, size_t offset, unsigned *ret_line,
			    unsigned *ret_column);

/*
 * The first key that stands twice in one object (json-c keeps the last silently): 1 with the
 * offset of its second occurrence and its path ("writeback/amount") in ret_path, 0 when every
 * object's keys are distinct. Keys are compared as written (escapes not decoded).
 */
int vswap_json_find_duplicate(const char *text, size_t len, size_t *ret_offset, char *ret_path,
			      size_t path_len);

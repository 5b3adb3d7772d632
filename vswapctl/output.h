/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Tables that print as aligned text for people or as JSON for programs from the same calls:
 * one add per field. JSON keys are an API (stable, snake_case, unit in the name); a field a
 * kernel does not have is null in JSON and "-" in text, and a text column that is empty in
 * every row is left out.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

enum column_type {
	COL_STRING,
	COL_BYTES,   /* printed as 1.5G in text, integer bytes in JSON */
	COL_PERCENT, /* two decimals */
	COL_RATIO,   /* "3.2x" in text, number in JSON */
	COL_BOOL,    /* yes/no in text, true/false in JSON */
	COL_COUNT,   /* an integer as it is */
};

struct column {
	const char *json_key;
	const char *header;
	enum column_type type;
};

struct table;

struct table *table_new(const struct column *columns, size_t n_columns);
struct table *table_free(struct table *t);

/* Start a row; the following adds fill its cells left to right (unset cells stay absent). */
int table_row(struct table *t);
void table_add_string(struct table *t, size_t col, const char *s);
void table_add_u64(struct table *t, size_t col, uint64_t v);
void table_add_double(struct table *t, size_t col, double v);
void table_add_bool(struct table *t, size_t col, bool v);

/* Text: header + aligned rows. JSON: {"<list_key>": [ {...}, ... ]}. */
int table_print(const struct table *t, bool json, const char *list_key, FILE *f);

/* The rows as a JSON array of objects (for verbs that print several lists in one object). */
struct json_object *table_json(const struct table *t);

/* Print a json-c object the one way all verbs do (pretty, "/" unescaped, newline). */
void json_print(struct json_object *o, FILE *f);

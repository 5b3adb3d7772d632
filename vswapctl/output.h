/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Output, one call per field for text and JSON alike (as iproute2's json_print): in text
 * mode a field prints through its format (one "%s", given the value as text; no format: not
 * shown), in JSON mode it becomes KEY: VALUE of the object being built, and the document is
 * printed by print_end(). So both modes carry the same content, from the same code.
 *
 * JSON keys are an API: stable, snake_case, the unit in the name (vswapctl(8)). A value this
 * kernel does not have is null. Limits come as two keys: STEM_bytes (an integer, null when
 * absent or unlimited) and STEM_unlimited (true for "max", false for a number, null when
 * absent), so that a consumer never compares against a string.
 *
 * Text is safe for terminals: control characters in strings print as \xNN. JSON strings are
 * valid UTF-8: invalid bytes become U+FFFD.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* Start a document on f: JSON builds one object, text prints as it goes. */
void print_begin(bool json, FILE *f);
/* The same for a JSON document printed on one line (JSON lines: one per refresh). */
void print_begin_line(FILE *f);
/* Print the JSON document (pretty, then a newline); 0, or -ENOMEM when building it failed. */
int print_end(void);
bool print_is_json(void);

/* Nested objects and arrays (JSON; text prints nothing for them). key NULL in an array. */
void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

void print_string(const char *key, const char *fmt, const char *value); /* NULL: null, no text */
void print_uint(const char *key, const char *fmt, uint64_t value);
void print_double(const char *key, const char *fmt, double value);  /* two decimals */
void print_bool(const char *key, const char *fmt, bool value);	    /* text: yes/no */
void print_bytes(const char *key, const char *fmt, uint64_t bytes); /* text: 1.5G */
/* A limit: text "max", a size, or "-" when absent; JSON the two keys of STEM above. */
void print_limit(const char *stem, const char *fmt, bool present, uint64_t bytes);
void print_null(const char *key, const char *fmt);

/* Text only: a line or a piece of one (no JSON). */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* JSON only: value under key (a reference taken over). */
void print_json_value(const char *key, struct json_object *value);

/* A string as text prints it: control characters as \xNN (terminal escapes stay inert). */
const char *print_safe(const char *s, char *buf, size_t len);

/*
 * Tables: aligned columns in text (names left, figures right; a column empty in every row is
 * left out), an array of objects in JSON. One add per cell.
 */
enum column_type {
	COL_STRING,
	COL_BYTES,   /* printed as 1.5G in text, integer bytes in JSON */
	COL_LIMIT,   /* a limit: "max" or a size in text; STEM_bytes + STEM_unlimited in JSON */
	COL_PERCENT, /* two decimals */
	COL_RATIO,   /* "3.2x" in text, number in JSON */
	COL_BOOL,    /* yes/no in text, true/false in JSON */
	COL_COUNT,   /* an integer as it is */
};

struct column {
	const char *json_key; /* COL_LIMIT: the stem */
	const char *header;
	enum column_type type;
};

struct table;

struct table *table_new(const struct column *columns, size_t n_columns);
struct table *table_free(struct table *t);

/* Rows added so far. */
size_t table_rows(const struct table *t);

/* Start a row; the following adds fill its cells (unset cells stay absent). */
int table_row(struct table *t);
void table_add_string(struct table *t, size_t col, const char *s);
void table_add_u64(struct table *t, size_t col, uint64_t v); /* COL_LIMIT: UINT64_MAX is max */
void table_add_double(struct table *t, size_t col, double v);
void table_add_bool(struct table *t, size_t col, bool v);

/* Through the print layer: text prints the table (with its header unless no_legend), JSON
 * adds its rows as an array under key. */
void table_print(const struct table *t, const char *key, bool no_legend);

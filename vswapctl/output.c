/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "output.h"

#include <json-c/json.h>

#include "size.h"
#include "util.h"

struct cell {
	bool set;
	union {
		char *s;
		uint64_t u;
		double d;
		bool b;
	};
};

struct table {
	const struct column *columns;
	size_t n_columns;
	size_t n_rows;
	struct cell *cells; /* n_rows * n_columns */
};

struct table *table_new(const struct column *columns, size_t n_columns)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->columns = columns;
	t->n_columns = n_columns;
	return t;
}

struct table *table_free(struct table *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
		if (t->columns[i % t->n_columns].type == COL_STRING && t->cells[i].set)
			free(t->cells[i].s);
	free(t->cells);
	free(t);
	return NULL;
}

int table_row(struct table *t)
{
	struct cell *c = reallocarray(t->cells, (t->n_rows + 1) * t->n_columns, sizeof(*c));

	if (!c)
		return -ENOMEM;
	memset(c + t->n_rows * t->n_columns, 0, t->n_columns * sizeof(*c));
	t->cells = c;
	t->n_rows++;
	return 0;
}

static struct cell *cur(struct table *t, size_t col)
{
	return &t->cells[(t->n_rows - 1) * t->n_columns + col];
}

void table_add_string(struct table *t, size_t col, const char *s)
{
	char *d = strdup(s);

	if (d)
		*cur(t, col) = (struct cell){.set = true, .s = d};
}

void table_add_u64(struct table *t, size_t col, uint64_t v)
{
	*cur(t, col) = (struct cell){.set = true, .u = v};
}

void table_add_double(struct table *t, size_t col, double v)
{
	*cur(t, col) = (struct cell){.set = true, .d = v};
}

void table_add_bool(struct table *t, size_t col, bool v)
{
	*cur(t, col) = (struct cell){.set = true, .b = v};
}

static const char *cell_text(const struct column *col, const struct cell *c, char *buf, size_t len)
{
	if (!c->set)
		return "-";
	switch (col->type) {
	case COL_STRING:
		return c->s;
	case COL_BYTES:
		return vswap_size_format(c->u, buf);
	case COL_PERCENT:
		snprintf(buf, len, "%.2f", c->d);
		return buf;
	case COL_RATIO:
		snprintf(buf, len, "%.1fx", c->d);
		return buf;
	case COL_BOOL:
		return c->b ? "yes" : "no";
	case COL_COUNT:
		snprintf(buf, len, "%llu", (unsigned long long)c->u);
		return buf;
	}
	return "?";
}

static struct json_object *cell_json(const struct column *col, const struct cell *c)
{
	char buf[32];

	if (!c->set)
		return NULL;
	switch (col->type) {
	case COL_STRING:
		return json_object_new_string(c->s);
	case COL_BYTES:
		return c->u == UINT64_MAX ? json_object_new_string("max")
					  : json_object_new_uint64(c->u);
	case COL_PERCENT:
	case COL_RATIO:
		/* Give json-c the text so 0.1 prints as 0.10, not 0.10000000000000001. */
		snprintf(buf, sizeof(buf), "%.2f", c->d);
		return json_object_new_double_s(c->d, buf);
	case COL_BOOL:
		return json_object_new_boolean(c->b);
	case COL_COUNT:
		return json_object_new_uint64(c->u);
	}
	return NULL;
}

struct json_object *table_json(const struct table *t)
{
	struct json_object *list = json_object_new_array();

	for (size_t r = 0; list && r < t->n_rows; r++) {
		struct json_object *o = json_object_new_object();
		for (size_t c = 0; c < t->n_columns; c++)
			json_object_object_add(
			    o, t->columns[c].json_key,
			    cell_json(&t->columns[c], &t->cells[r * t->n_columns + c]));
		json_object_array_add(list, o);
	}
	return list;
}

static int print_json(const struct table *t, const char *list_key, FILE *f)
{
	struct json_object *root = json_object_new_object();
	struct json_object *list = table_json(t);

	if (!root || !list) {
		json_object_put(root);
		json_object_put(list);
		return -ENOMEM;
	}
	json_object_object_add(root, list_key, list);
	json_print(root, f);
	json_object_put(root);
	return 0;
}

static bool column_used(const struct table *t, size_t c)
{
	for (size_t r = 0; r < t->n_rows; r++)
		if (t->cells[r * t->n_columns + c].set)
			return true;
	return false;
}

static void print_text_row(const struct table *t, const size_t *width, const bool *used, size_t r,
			   FILE *f)
{
	char buf[64];
	bool first = true;

	for (size_t c = 0; c < t->n_columns; c++) {
		if (!used[c])
			continue;
		const char *s = r == SIZE_MAX
				    ? t->columns[c].header
				    : cell_text(&t->columns[c], &t->cells[r * t->n_columns + c],
						buf, sizeof(buf));
		/* First column (a name) left-aligned, figures right-aligned. */
		fprintf(f, first ? "%-*s" : "  %*s", (int)width[c], s);
		first = false;
	}
	fputc('\n', f);
}

static int print_text(const struct table *t, FILE *f)
{
	_cleanup_free_ size_t *width = calloc(t->n_columns, sizeof(*width));
	_cleanup_free_ bool *used = calloc(t->n_columns, sizeof(*used));
	char buf[64];

	if (!width || !used)
		return -ENOMEM;
	for (size_t c = 0; c < t->n_columns; c++) {
		used[c] = c == 0 || column_used(t, c);
		width[c] = strlen(t->columns[c].header);
		for (size_t r = 0; r < t->n_rows; r++) {
			size_t w = strlen(cell_text(&t->columns[c], &t->cells[r * t->n_columns + c],
						    buf, sizeof(buf)));
			width[c] = w > width[c] ? w : width[c];
		}
	}
	print_text_row(t, width, used, SIZE_MAX, f);
	for (size_t r = 0; r < t->n_rows; r++)
		print_text_row(t, width, used, r, f);
	return 0;
}

int table_print(const struct table *t, bool json, const char *list_key, FILE *f)
{
	return json ? print_json(t, list_key, f) : print_text(t, f);
}

void json_print(struct json_object *o, FILE *f)
{
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE),
	      f);
	fputc('\n', f);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "output.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>

#include "size.h"
#include "text.h"
#include "util.h"

#define PRINT_MAX_DEPTH 16

static struct {
	bool json;
	FILE *f;
	struct json_object *stack[PRINT_MAX_DEPTH]; /* [0]: the document */
	size_t depth;
	bool failed;  /* out of memory, or nesting too deep */
	bool compact; /* JSON on one line (JSON lines) */
} out = {.f = NULL};

/* --- strings safe for each output ----------------------------------------------------------- */

const char *print_safe(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (const unsigned char *u = (const unsigned char *)s; *u && o + 5 < len; u++) {
		/* C0 controls, DEL, and the C1 controls U+0080..U+009F (0xC2 0x80..0x9F), which
		 * a UTF-8 terminal obeys as it obeys ESC [. */
		bool c1 = u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f;
		if (*u < 0x20 || *u == 0x7f || c1) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c1 ? *++u : *u);
			continue;
		}
		buf[o++] = (char)*u;
	}
	buf[o] = '\0';
	return buf;
}

/* --- the document --------------------------------------------------------------------------- */

void print_begin_line(FILE *f)
{
	print_begin(true, f);
	out.compact = true;
}

void print_begin(bool json, FILE *f)
{
	out.compact = false;
	out.json = json;
	out.f = f;
	out.failed = false;
	out.depth = 0;
	if (json) {
		out.stack[0] = json_object_new_object();
		out.depth = 1;
		out.failed = !out.stack[0];
	}
}

bool print_is_json(void)
{
	return out.json;
}

int print_end(void)
{
	int r = out.failed ? -ENOMEM : 0;

	if (out.json && out.depth > 0) {
		if (r == 0) {
			int flags = out.compact ? JSON_C_TO_STRING_PLAIN
						: JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
			fputs(json_object_to_json_string_ext(
				  out.stack[0], flags | JSON_C_TO_STRING_NOSLASHESCAPE),
			      out.f);
			fputc('\n', out.f);
		}
		json_object_put(out.stack[0]);
	}
	out.depth = 0;
	return fflush(out.f) == 0 ? r : negative_errno();
}

/* Put value into the object or array being built (taking the reference). */
static void add(const char *key, struct json_object *value)
{
	struct json_object *parent = out.depth ? out.stack[out.depth - 1] : NULL;

	if (!parent) {
		json_object_put(value);
		out.failed = true;
		return;
	}
	if (json_object_is_type(parent, json_type_array))
		out.failed |= json_object_array_add(parent, value) < 0;
	else
		out.failed |= json_object_object_add(parent, key, value) < 0;
}

static void open_container(const char *key, struct json_object *c)
{
	if (!out.json) {
		json_object_put(c);
		return;
	}
	if (!c || out.depth == PRINT_MAX_DEPTH) {
		json_object_put(c);
		out.failed = true;
		return;
	}
	add(key, json_object_get(c));
	out.stack[out.depth++] = c;
	json_object_put(c); /* the parent holds it */
}

void print_open_object(const char *key)
{
	open_container(key, out.json ? json_object_new_object() : NULL);
}

void print_open_array(const char *key)
{
	open_container(key, out.json ? json_object_new_array() : NULL);
}

static void close_container(void)
{
	if (out.json && out.depth > 1)
		out.depth--;
}

void print_close_object(void)
{
	close_container();
}

void print_close_array(void)
{
	close_container();
}

/*
 * Text: fmt with the value's text in place of its "%s" ("%-40s" pads, "%%" is a percent
 * sign). Formats are the verbs' own literals; interpreting them here keeps a value from ever
 * being read as a format.
 */
static void text(const char *fmt, const char *value)
{
	if (out.json || !fmt)
		return;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			fputc(*p, out.f);
			continue;
		}
		if (p[1] == '%') {
			fputc('%', out.f);
			p++;
			continue;
		}
		bool left = p[1] == '-';
		char *end;
		long width = strtol(p + 1 + left, &end, 10);
		if (*end != 's') {
			fputc(*p, out.f); /* not ours: printed as it is */
			continue;
		}
		fprintf(out.f, left ? "%-*s" : "%*s", (int)width, value);
		p = end;
	}
}

void print_string(const char *key, const char *fmt, const char *value)
{
	if (out.json) {
		_cleanup_free_ char *valid = value ? vswap_utf8_valid(value) : NULL;
		out.failed |= value && !valid;
		add(key, valid ? json_object_new_string(valid) : NULL);
		return;
	}
	if (!fmt || !value)
		return; /* text leaves out what is not there */
	size_t len = strlen(value) * 4 + 6;
	_cleanup_free_ char *buf = malloc(len);
	if (buf)
		text(fmt, print_safe(value, buf, len));
}

void print_uint(const char *key, const char *fmt, uint64_t value)
{
	char buf[32];

	if (out.json)
		add(key, json_object_new_uint64(value));
	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	text(fmt, buf);
}

static struct json_object *json_double(double v)
{
	char buf[32];

	/* Give json-c the text so 0.1 prints as 0.10, not 0.10000000000000001. */
	snprintf(buf, sizeof(buf), "%.2f", v);
	return json_object_new_double_s(v, buf);
}

void print_double(const char *key, const char *fmt, double value)
{
	char buf[32];

	if (out.json)
		add(key, json_double(value));
	snprintf(buf, sizeof(buf), "%.2f", value);
	text(fmt, buf);
}

void print_bool(const char *key, const char *fmt, bool value)
{
	if (out.json)
		add(key, json_object_new_boolean(value));
	text(fmt, value ? "yes" : "no");
}

void print_bytes(const char *key, const char *fmt, uint64_t bytes)
{
	char buf[VSWAP_SIZE_FORMAT_MAX];

	if (out.json)
		add(key, json_object_new_uint64(bytes));
	text(fmt, vswap_size_format(bytes, buf));
}

/* The two JSON keys of a limit. */
static void add_limit(struct json_object *o, const char *stem, bool present, uint64_t bytes)
{
	char key[128];

	snprintf(key, sizeof(key), "%s_bytes", stem);
	json_object_object_add(
	    o, key, present && bytes != UINT64_MAX ? json_object_new_uint64(bytes) : NULL);
	snprintf(key, sizeof(key), "%s_unlimited", stem);
	json_object_object_add(o, key,
			       present ? json_object_new_boolean(bytes == UINT64_MAX) : NULL);
}

static const char *limit_text(bool present, uint64_t bytes, char buf[VSWAP_SIZE_FORMAT_MAX])
{
	return !present ? "-" : bytes == UINT64_MAX ? "max" : vswap_size_format(bytes, buf);
}

void print_limit(const char *stem, const char *fmt, bool present, uint64_t bytes)
{
	char buf[VSWAP_SIZE_FORMAT_MAX];

	if (out.json && out.depth > 0 &&
	    json_object_is_type(out.stack[out.depth - 1], json_type_object))
		add_limit(out.stack[out.depth - 1], stem, present, bytes);
	else if (out.json)
		out.failed = true;
	text(fmt, limit_text(present, bytes, buf));
}

void print_null(const char *key, const char *fmt)
{
	if (out.json)
		add(key, NULL);
	text(fmt, "-");
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vfprintf(out.f, fmt, ap);
	va_end(ap);
}

void print_json_value(const char *key, struct json_object *value)
{
	if (out.json)
		add(key, value);
	else
		json_object_put(value);
}

/* --- tables --------------------------------------------------------------------------------- */

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

size_t table_rows(const struct table *t)
{
	return t->n_rows;
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
		return print_safe(c->s, buf, len);
	case COL_BYTES:
		return vswap_size_format(c->u, buf);
	case COL_LIMIT:
		return limit_text(true, c->u, buf);
	case COL_PERCENT:
		snprintf(buf, len, "%.2f", c->d);
		return buf;
	case COL_RATIO:
		snprintf(buf, len, "%.1fx", c->d);
		return buf;
	case COL_BOOL:
		return c->b ? "yes" : "no";
	case COL_COUNT:
		snprintf(buf, len, "%" PRIu64, c->u);
		return buf;
	}
	return "?";
}

static void cell_json(struct json_object *o, const struct column *col, const struct cell *c)
{
	_cleanup_free_ char *valid = NULL;
	struct json_object *v = NULL;

	if (col->type == COL_LIMIT) {
		add_limit(o, col->json_key, c->set, c->u);
		return;
	}
	if (c->set)
		switch (col->type) {
		case COL_STRING:
			valid = vswap_utf8_valid(c->s);
			v = valid ? json_object_new_string(valid) : NULL;
			break;
		case COL_BYTES:
		case COL_COUNT:
			v = json_object_new_uint64(c->u);
			break;
		case COL_PERCENT:
		case COL_RATIO:
			v = json_double(c->d);
			break;
		case COL_BOOL:
			v = json_object_new_boolean(c->b);
			break;
		case COL_LIMIT:
			break;
		}
	json_object_object_add(o, col->json_key, v);
}

static struct json_object *table_json(const struct table *t)
{
	struct json_object *list = json_object_new_array();

	for (size_t r = 0; list && r < t->n_rows; r++) {
		struct json_object *o = json_object_new_object();
		for (size_t c = 0; o && c < t->n_columns; c++)
			cell_json(o, &t->columns[c], &t->cells[r * t->n_columns + c]);
		json_object_array_add(list, o);
	}
	return list;
}

static bool column_used(const struct table *t, size_t c)
{
	for (size_t r = 0; r < t->n_rows; r++)
		if (t->cells[r * t->n_columns + c].set)
			return true;
	return false;
}

#define CELL_MAX 4096

static void print_text_row(const struct table *t, const size_t *width, const bool *used, size_t r)
{
	char buf[CELL_MAX];
	bool first = true;

	for (size_t c = 0; c < t->n_columns; c++) {
		if (!used[c])
			continue;
		const struct column *col = &t->columns[c];
		const char *s = r == SIZE_MAX ? col->header
					      : cell_text(col, &t->cells[r * t->n_columns + c], buf,
							  sizeof(buf));
		bool left = col->type == COL_STRING;
		bool last = true;
		for (size_t k = c + 1; k < t->n_columns; k++)
			last &= !used[k];
		/* Text left-aligned (no trailing blanks on the last), figures right-aligned. */
		fprintf(out.f, "%s%*s", first ? "" : "  ",
			left ? -(int)(last ? 0 : width[c]) : (int)width[c], s);
		first = false;
	}
	fputc('\n', out.f);
}

static void table_text(const struct table *t, bool no_legend)
{
	_cleanup_free_ size_t *width = calloc(t->n_columns, sizeof(*width));
	_cleanup_free_ bool *used = calloc(t->n_columns, sizeof(*used));
	char buf[CELL_MAX];

	if (!width || !used) {
		out.failed = true;
		return;
	}
	for (size_t c = 0; c < t->n_columns; c++) {
		used[c] = c == 0 || column_used(t, c);
		width[c] = no_legend ? 0 : strlen(t->columns[c].header);
		for (size_t r = 0; r < t->n_rows; r++) {
			size_t w = strlen(cell_text(&t->columns[c], &t->cells[r * t->n_columns + c],
						    buf, sizeof(buf)));
			width[c] = w > width[c] ? w : width[c];
		}
	}
	if (!no_legend)
		print_text_row(t, width, used, SIZE_MAX);
	for (size_t r = 0; r < t->n_rows; r++)
		print_text_row(t, width, used, r);
}

void table_print(const struct table *t, const char *key, bool no_legend)
{
	if (out.json) {
		struct json_object *list = table_json(t);
		if (list)
			add(key, list);
		out.failed |= !list;
		return;
	}
	table_text(t, no_legend);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "parse.h"

#include <ctype.h>
#include <stdio.h>

#include "util.h"

/* Longest line any of these files has (mountinfo with long option strings) plus headroom. */
#define LINE_MAX_BYTES 4096

struct line_cursor {
	const char *p;
	const char *end;
	unsigned line;
};

/* Advance to the next line; a final line without newline counts, an empty tail does not. */
static bool next_line(struct line_cursor *c, const char **ret, size_t *ret_len)
{
	if (c->p >= c->end)
		return false;
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	const char *stop = nl ? nl : c->end;

	*ret = c->p;
	*ret_len = (size_t)(stop - c->p);
	c->p = nl ? nl + 1 : c->end;
	c->line++;
	return true;
}

static int parse_fail(struct vswap_parse_error *err, unsigned line, size_t column, const char *what)
{
	if (err) {
		err->line = line;
		err->column = (unsigned)column;
		snprintf(err->what, sizeof(err->what), "%s", what);
	}
	return -EBADMSG;
}

static int parse_u64_span(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

int vswap_parse_u64(const char *s, uint64_t *ret)
{
	return parse_u64_span(s, strlen(s), ret);
}

/* Strip exactly one trailing newline: the kernel ends every one-value file with one. */
static size_t chomp(const char *buf, size_t len)
{
	return len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
}

/*
 * The kernel ends every file we parse with a newline. Text without one was cut short, and
 * a cut number is still a number: "67108864\n" read as "6710" would set a cap 10^4 too small.
 */
static int require_final_newline(const char *buf, size_t len, struct vswap_parse_error *err)
{
	unsigned line = 1;
	size_t column = 1;

	if (len == 0 || buf[len - 1] == '\n')
		return 0;
	for (size_t i = 0; i < len; i++, column++)
		if (buf[i] == '\n') {
			line++;
			column = 0;
		}
	return parse_fail(err, line, column, "no newline at the end (the read was cut short)");
}

int vswap_parse_limit(const char *buf, size_t len, uint64_t *ret, struct vswap_parse_error *err)
{
	uint64_t v;

	if (require_final_newline(buf, len, err) < 0)
		return -EBADMSG;
	len = chomp(buf, len);
	if (len == 3 && memcmp(buf, "max", 3) == 0) {
		*ret = VSWAP_LIMIT_MAX;
		return 0;
	}
	int r = parse_u64_span(buf, len, &v);
	if (r == -ERANGE)
		return parse_fail(err, 1, 1, "number out of range");
	if (r < 0)
		return parse_fail(err, 1, 1, "expected a number of bytes or \"max\"");
	*ret = v;
	return 0;
}

int vswap_parse_bool(const char *buf, size_t len, bool *ret, struct vswap_parse_error *err)
{
	if (require_final_newline(buf, len, err) < 0)
		return -EBADMSG;
	len = chomp(buf, len);
	if (len == 1 && (buf[0] == 'Y' || buf[0] == '1')) {
		*ret = true;
		return 0;
	}
	if (len == 1 && (buf[0] == 'N' || buf[0] == '0')) {
		*ret = false;
		return 0;
	}
	return parse_fail(err, 1, 1, "expected Y or N");
}

int vswap_parse_word(const char *buf, size_t len, char **ret, struct vswap_parse_error *err)
{
	len = chomp(buf, len);
	if (len == 0 || len > 255)
		return parse_fail(err, 1, 1, "expected one short word");
	for (size_t i = 0; i < len; i++)
		if (!isgraph((unsigned char)buf[i]))
			return parse_fail(err, 1, i + 1, "unexpected character");
	char *w = strndup(buf, len);
	if (!w)
		return -ENOMEM;
	*ret = w;
	return 0;
}

static size_t span_key(const char *s, size_t n, char stop)
{
	size_t i = 0;

	while (i < n && isgraph((unsigned char)s[i]) && s[i] != stop)
		i++;
	return i;
}

static size_t span_blank(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static int kv_append(struct vswap_kv *kv, size_t *cap, const char *key, size_t key_len,
		     uint64_t value)
{
	if (kv->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct vswap_kv_entry *e = reallocarray(kv->entries, ncap, sizeof(*e));
		if (!e)
			return -ENOMEM;
		kv->entries = e;
		*cap = ncap;
	}
	char *k = strndup(key, key_len);
	if (!k)
		return -ENOMEM;
	kv->entries[kv->n++] = (struct vswap_kv_entry){.key = k, .value = value};
	return 0;
}

/* Parse "key value" or "Key: value [kB]" from one line into key span and value. */
static int kv_parse_line(const char *s, size_t n, enum vswap_kv_format format, unsigned line,
			 size_t *ret_key_len, uint64_t *ret_value, struct vswap_parse_error *err)
{
	bool meminfo = format == VSWAP_KV_MEMINFO;
	size_t k = span_key(s, n, meminfo ? ':' : '\0');

	if (k == 0)
		return parse_fail(err, line, 1, "expected a key");
	size_t i = k;
	if (meminfo) {
		if (i >= n || s[i] != ':')
			return parse_fail(err, line, i + 1, "expected ':' after the key");
		i++;
	}
	size_t b = span_blank(s + i, n - i);
	if (b == 0)
		return parse_fail(err, line, i + 1, "expected blank before the value");
	i += b;
	size_t d = i;
	while (d < n && isdigit((unsigned char)s[d]))
		d++;
	uint64_t v;
	int r = parse_u64_span(s + i, d - i, &v);
	if (r < 0)
		return parse_fail(err, line, i + 1,
				  r == -ERANGE ? "number out of range" : "expected a number");
	if (meminfo && n - d == 3 && memcmp(s + d, " kB", 3) == 0) {
		if (v > UINT64_MAX / 1024)
			return parse_fail(err, line, i + 1, "number out of range");
		v *= 1024;
		d = n;
	}
	if (d != n)
		return parse_fail(err, line, d + 1, "unexpected text after the value");
	*ret_key_len = k;
	*ret_value = v;
	return 0;
}

int vswap_kv_parse(const char *buf, size_t len, enum vswap_kv_format format, struct vswap_kv **ret,
		   struct vswap_parse_error *err)
{
	struct line_cursor c = {.p = buf, .end = buf + len};
	struct vswap_kv *kv = calloc(1, sizeof(*kv));
	size_t cap = 0;
	const char *s;
	size_t n;
	int r = require_final_newline(buf, len, err);

	if (!kv)
		return -ENOMEM;
	while (r == 0 && next_line(&c, &s, &n)) {
		size_t key_len;
		uint64_t value;

		r = kv_parse_line(s, n, format, c.line, &key_len, &value, err);
		if (r == 0)
			r = kv_append(kv, &cap, s, key_len, value);
	}
	if (r < 0) {
		vswap_kv_free(kv);
		return r;
	}
	*ret = kv;
	return 0;
}

struct vswap_kv *vswap_kv_free(struct vswap_kv *kv)
{
	if (!kv)
		return NULL;
	for (size_t i = 0; i < kv->n; i++)
		free(kv->entries[i].key);
	free(kv->entries);
	free(kv);
	return NULL;
}

int vswap_kv_get(const struct vswap_kv *kv, const char *key, uint64_t *ret)
{
	for (size_t i = 0; i < kv->n; i++)
		if (streq(kv->entries[i].key, key)) {
			*ret = kv->entries[i].value;
			return 0;
		}
	return -ENOENT;
}

/* Fixed-point "12.34" as the kernel prints PSI averages (LOAD_INT.LOAD_FRAC). */
static int parse_fixed2(const char *s, size_t n, double *ret)
{
	const char *dot = memchr(s, '.', n);
	uint64_t ip, fp = 0;
	size_t fn = 0;

	if (parse_u64_span(s, dot ? (size_t)(dot - s) : n, &ip) < 0)
		return -EINVAL;
	if (dot) {
		fn = n - (size_t)(dot - s) - 1;
		if (fn == 0 || fn > 6 || parse_u64_span(dot + 1, fn, &fp) < 0)
			return -EINVAL;
	}
	double scale = 1;
	for (size_t i = 0; i < fn; i++)
		scale *= 10;
	*ret = (double)ip + (double)fp / scale;
	return 0;
}

/* "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" */
static int psi_parse_line(const char *s, size_t n, unsigned line, struct vswap_psi_line *ret,
			  struct vswap_parse_error *err)
{
	static const char *const keys[] = {"avg10=", "avg60=", "avg300=", "total="};
	double *avgs[] = {&ret->avg10, &ret->avg60, &ret->avg300};
	size_t i = span_key(s, n, '\0');

	for (size_t f = 0; f < ELEMENTSOF(keys); f++) {
		size_t kl = strlen(keys[f]);
		size_t b = span_blank(s + i, n - i);
		if (b == 0 || n - i - b < kl || memcmp(s + i + b, keys[f], kl) != 0)
			return parse_fail(err, line, i + b + 1, "expected PSI field");
		i += b + kl;
		size_t v = span_key(s + i, n - i, '\0');
		int r = f < 3 ? parse_fixed2(s + i, v, avgs[f])
			      : parse_u64_span(s + i, v, &ret->total_us);
		if (r < 0)
			return parse_fail(err, line, i + 1, "expected a number");
		i += v;
	}
	if (i != n)
		return parse_fail(err, line, i + 1, "unexpected text after the total");
	return 0;
}

int vswap_psi_parse(const char *buf, size_t len, struct vswap_psi *ret,
		    struct vswap_parse_error *err)
{
	struct line_cursor c = {.p = buf, .end = buf + len};
	struct vswap_psi psi = {};
	bool has_some = false;
	const char *s;
	size_t n;

	if (require_final_newline(buf, len, err) < 0)
		return -EBADMSG;
	while (next_line(&c, &s, &n)) {
		struct vswap_psi_line *dst;
		if (n >= 5 && memcmp(s, "some ", 5) == 0 && !has_some) {
			dst = &psi.some;
			has_some = true;
		} else if (n >= 5 && memcmp(s, "full ", 5) == 0 && has_some && !psi.has_full) {
			dst = &psi.full;
			psi.has_full = true;
		} else
			return parse_fail(err, c.line, 1,
					  "expected a \"some\" then a \"full\" line");
		int r = psi_parse_line(s, n, c.line, dst, err);
		if (r < 0)
			return r;
	}
	if (!has_some)
		return parse_fail(err, 1, 1, "expected a \"some\" line");
	*ret = psi;
	return 0;
}

static bool is_octal_escape(const char *d)
{
	return d[0] >= '0' && d[0] <= '3' && d[1] >= '0' && d[1] <= '7' && d[2] >= '0' &&
	       d[2] <= '7';
}

/* Decode the octal escapes (\040 for a space) the kernel uses in paths of seq files. */
static char *unescape_path(const char *s, size_t n)
{
	char *out = malloc(n + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && is_octal_escape(s + i + 1)) {
			out[o++] =
			    (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

/* Split a line into at most max_fields whitespace-separated fields; returns the count. */
static size_t split_fields(const char *s, size_t n, const char **f, size_t *fl, size_t max_fields)
{
	size_t count = 0, i = 0;

	while (count < max_fields) {
		i += span_blank(s + i, n - i);
		if (i >= n)
			break;
		size_t k = span_key(s + i, n - i, '\0');
		if (k == 0)
			break;
		f[count] = s + i;
		fl[count++] = k;
		i += k;
	}
	return i + span_blank(s + i, n - i) == n ? count : SIZE_MAX;
}

static int swaps_parse_row(const char *s, size_t n, unsigned line, struct vswap_swap_device *d,
			   struct vswap_parse_error *err)
{
	const char *f[5];
	size_t fl[5];
	uint64_t size_kib, used_kib, prio_abs;

	if (split_fields(s, n, f, fl, 5) != 5)
		return parse_fail(err, line, 1, "expected 5 fields");
	bool neg = fl[4] > 1 && f[4][0] == '-';
	if (parse_u64_span(f[2], fl[2], &size_kib) < 0 || size_kib > UINT64_MAX / 1024)
		return parse_fail(err, line, (size_t)(f[2] - s) + 1, "expected a size in KiB");
	if (parse_u64_span(f[3], fl[3], &used_kib) < 0 || used_kib > UINT64_MAX / 1024)
		return parse_fail(err, line, (size_t)(f[3] - s) + 1, "expected a size in KiB");
	if (parse_u64_span(f[4] + neg, fl[4] - neg, &prio_abs) < 0 || prio_abs > 32768)
		return parse_fail(err, line, (size_t)(f[4] - s) + 1, "expected a priority");
	d->path = unescape_path(f[0], fl[0]);
	d->type = strndup(f[1], fl[1]);
	if (!d->path || !d->type)
		return -ENOMEM;
	d->size_bytes = size_kib * 1024;
	d->used_bytes = used_kib * 1024;
	d->priority = neg ? -(int)prio_abs : (int)prio_abs;
	return 0;
}

int vswap_swaps_parse(const char *buf, size_t len, struct vswap_swaps **ret,
		      struct vswap_parse_error *err)
{
	struct line_cursor c = {.p = buf, .end = buf + len};
	struct vswap_swaps *sw = calloc(1, sizeof(*sw));
	const char *s;
	size_t n;
	int r = 0;

	if (!sw)
		return -ENOMEM;
	if (!next_line(&c, &s, &n) || n < 8 || memcmp(s, "Filename", 8) != 0)
		r = parse_fail(err, 1, 1,
			       "expected the \"Filename Type Size Used Priority\" header");
	while (r == 0 && next_line(&c, &s, &n)) {
		struct vswap_swap_device *d = reallocarray(sw->devices, sw->n + 1, sizeof(*d));
		if (!d) {
			r = -ENOMEM;
			break;
		}
		sw->devices = d;
		d = &sw->devices[sw->n++];
		*d = (struct vswap_swap_device){};
		r = swaps_parse_row(s, n, c.line, d, err);
	}
	if (r < 0) {
		vswap_swaps_free(sw);
		return r;
	}
	*ret = sw;
	return 0;
}

struct vswap_swaps *vswap_swaps_free(struct vswap_swaps *swaps)
{
	if (!swaps)
		return NULL;
	for (size_t i = 0; i < swaps->n; i++) {
		free(swaps->devices[i].path);
		free(swaps->devices[i].type);
	}
	free(swaps->devices);
	free(swaps);
	return NULL;
}

/* "36 35 98:0 /root /mount/point rw,noatime shared:1 - cgroup2 cgroup2 rw,nsdelegate" */
int vswap_mountinfo_cgroup2(const char *buf, size_t len, char **ret, struct vswap_parse_error *err)
{
	struct line_cursor c = {.p = buf, .end = buf + len};
	const char *s;
	size_t n;

	while (next_line(&c, &s, &n)) {
		const char *f[32];
		size_t fl[32];
		size_t count = split_fields(s, n, f, fl, ELEMENTSOF(f));
		size_t sep = 6;

		if (count == SIZE_MAX || count < 10)
			return parse_fail(err, c.line, 1, "expected a mountinfo line");
		while (sep < count && !(fl[sep] == 1 && f[sep][0] == '-'))
			sep++;
		if (sep + 2 >= count)
			return parse_fail(err, c.line, 1, "expected \" - \" before the fs type");
		if (fl[sep + 1] == 7 && memcmp(f[sep + 1], "cgroup2", 7) == 0) {
			char *mp = unescape_path(f[4], fl[4]);
			if (!mp)
				return -ENOMEM;
			*ret = mp;
			return 0;
		}
	}
	return -ENOENT;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "size.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

#define PAGE_BYTES 4096u

static int unit_shift(char c)
{
	static const char units[] = "BKMGTPE";
	const char *u = strchr(units, toupper((unsigned char)c));

	return c && u ? (int)(u - units) * 10 : -1;
}

/*
 * "123", "1.5": integer part and up to 3 decimals scaled to 10^digits. Returns the characters
 * consumed, 0 for no number, or -ERANGE when the integer part overflows.
 */
static int scan_decimal(const char *s, uint64_t *ip, uint64_t *fp, unsigned *digits)
{
	int i = 0;

	*ip = *fp = 0;
	*digits = 0;
	for (; isdigit((unsigned char)s[i]); i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (*ip > (UINT64_MAX - d) / 10)
			return -ERANGE;
		*ip = *ip * 10 + d;
	}
	if (i == 0 || s[i] != '.')
		return i;
	int j = i + 1;
	for (; isdigit((unsigned char)s[j]) && *digits < 3; j++, (*digits)++)
		*fp = *fp * 10 + (uint64_t)(s[j] - '0');
	return *digits ? j : 0;
}

static uint64_t pow10u(unsigned n)
{
	uint64_t p = 1;

	while (n--)
		p *= 10;
	return p;
}

static int parse_percent(uint64_t ip, uint64_t fp, unsigned digits, struct vswap_size *ret)
{
	if (digits > 2)
		return -EINVAL;
	uint64_t bp = ip * 100 + fp * pow10u(2 - digits);
	if (ip > 100 || bp > 10000)
		return -ERANGE;
	*ret = (struct vswap_size){.kind = VSWAP_SIZE_PERCENT, .basis_pts = (uint32_t)bp};
	return 0;
}

int vswap_size_parse(const char *s, struct vswap_size *ret)
{
	uint64_t ip, fp;
	unsigned digits;

	if (strcmp(s, "max") == 0) {
		*ret = (struct vswap_size){.kind = VSWAP_SIZE_MAX, .bytes = UINT64_MAX};
		return 0;
	}
	int n = scan_decimal(s, &ip, &fp, &digits);
	if (n <= 0)
		return n < 0 ? n : -EINVAL;
	if (strcmp(s + n, "%") == 0)
		return parse_percent(ip, fp, digits, ret);

	int shift = s[n] ? unit_shift(s[n]) : 0;
	if (shift < 0 || (s[n] && s[n + 1]) || (digits && shift == 0))
		return -EINVAL;
	if (shift && ip > (UINT64_MAX >> shift))
		return -ERANGE;
	/*
	 * fp < 1000 and shift <= 60: the product needs up to 70 bits. The sum cannot overflow:
	 * ip << shift is at most 2^64 - 2^shift and frac under 2^shift (0 when shift is 0).
	 */
	uint64_t frac = (uint64_t)(((unsigned __int128)fp << shift) / pow10u(digits));
	*ret = (struct vswap_size){.kind = VSWAP_SIZE_BYTES, .bytes = (ip << shift) + frac};
	return 0;
}

int vswap_size_resolve(const struct vswap_size *size, uint64_t ref_bytes, uint64_t *ret)
{
	switch (size->kind) {
	case VSWAP_SIZE_BYTES:
	case VSWAP_SIZE_MAX:
		*ret = size->bytes;
		return 0;
	case VSWAP_SIZE_PERCENT:
		if (ref_bytes == VSWAP_LIMIT_MAX)
			return -EDOM;
		/* Split to avoid overflowing ref_bytes * 10000. */
		uint64_t v = ref_bytes / 10000 * size->basis_pts +
			     ref_bytes % 10000 * size->basis_pts / 10000;
		*ret = v / PAGE_BYTES * PAGE_BYTES;
		return 0;
	}
	return -EINVAL;
}

const char *vswap_size_format(uint64_t bytes, char buf[static VSWAP_SIZE_FORMAT_MAX])
{
	static const char units[] = "KMGTPE";
	unsigned u = 0;

	if (bytes == UINT64_MAX)
		return strcpy(buf, "max");
	if (bytes < 1024) {
		snprintf(buf, VSWAP_SIZE_FORMAT_MAX, "%uB", (unsigned)bytes);
		return buf;
	}
	while (u + 1 < sizeof(units) - 1 && bytes >> (10 * (u + 2)) > 0)
		u++;
	uint64_t whole = bytes >> (10 * (u + 1));
	uint64_t tenths = ((bytes - (whole << (10 * (u + 1)))) * 10) >> (10 * (u + 1));
	if (tenths)
		snprintf(buf, VSWAP_SIZE_FORMAT_MAX, "%u.%u%c", (unsigned)whole, (unsigned)tenths,
			 units[u]);
	else
		snprintf(buf, VSWAP_SIZE_FORMAT_MAX, "%u%c", (unsigned)whole, units[u]);
	return buf;
}

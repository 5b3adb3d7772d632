/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Policies: what vswapd does for the cgroups a policy matches. One JSON file is one policy,
 * named after the file ("batch.json" is "batch"). Every field has a default, a unit in its
 * name or its documentation, and a valid range; the same table drives parsing, validation,
 * defaults and the JSON Schema (policies/schema/vswap-policy.schema.json), so they cannot
 * disagree. See vswap-policy(5).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "size.h"

#define VSWAP_POLICY_SCHEMA_VERSION 1
#define VSWAP_POLICY_MAX_CONDITIONS 8

enum vswap_match_kind {
	VSWAP_MATCH_DEFAULT, /* no "match": applies to every cgroup no other policy matches */
	VSWAP_MATCH_CGROUP,  /* a cgroup path, may hold glob wildcards (fnmatch, '/' literal) */
	VSWAP_MATCH_UNIT,    /* a systemd unit, resolved to its cgroup by the daemon */
	VSWAP_MATCH_SLICE,   /* a systemd slice, the same way */
};

/* A size a policy may leave unset (the daemon then leaves that knob alone). */
struct vswap_opt_size {
	bool set;
	struct vswap_size size;
};

struct vswap_opt_double {
	bool set;
	double value;
};

/* All present conditions must hold (AND); a policy's condition sets are OR-ed. */
struct vswap_condition {
	struct vswap_opt_size zswap_above;	     /* compressed bytes in the pool */
	struct vswap_opt_double vswap_above_percent; /* vswap.current as % of the cap */
	struct vswap_opt_double ratio_below;	     /* zswapped / zswap */
	struct vswap_opt_double pressure_some_above; /* memory PSI some avg10, % */
	struct vswap_opt_double zswpin_per_s_below;  /* pages loaded back: a cold pool has few */
};

struct vswap_policy {
	char *name;
	char *source; /* file it was read from */
	char *description;

	enum vswap_match_kind match_kind;
	char *match; /* glob, unit or slice name; NULL for the default policy */

	struct vswap_opt_size vswap_max; /* uncompressed bytes; % of memory.max */
	struct vswap_opt_size zswap_max; /* compressed bytes; % of memory.max */
	int zswap_writeback;		 /* -1 unset, 0 off, 1 on */

	struct {
		bool enabled;
		uint64_t amount_bytes;	       /* compressed bytes per action */
		uint64_t max_bytes_per_minute; /* rate cap over a sliding minute */
		double cooldown_s;	       /* between two writebacks of one cgroup */
		double io_backoff_some_above;  /* skip while io PSI some avg10 is above, % */
		size_t n_conditions;
		struct vswap_condition conditions[VSWAP_POLICY_MAX_CONDITIONS];
	} writeback;

	struct {
		bool enabled;
		double pressure_target; /* memory PSI some avg10 to stay under, % */
		double step_percent;	/* of memory.current reclaimed per step */
		uint64_t max_step_bytes;
		double interval_s;
	} offload;

	struct {
		bool full; /* "some" (false) or "full" */
		uint64_t threshold_us;
		uint64_t window_us;
	} pressure;

	double interval_s; /* sampling tick while quiet */
};

struct vswap_policy_error {
	unsigned line;
	unsigned column;
	char field[64]; /* "writeback/when/0/ratio_below", or "" for syntax errors */
	char what[160];
};

/*
 * Policy names, whichever way they come (a file's name, an attachment's Policy=, the command
 * line): safe as a file name, a unit drop-in's value, a journal field and a metric label.
 */
#define VSWAP_POLICY_NAME_MAX 64
#define VSWAP_POLICY_NAME_RULE                                                                     \
	"1 to 64 letters, digits, '_', '.', '@' or '-', not starting with '.' or '-'"
bool vswap_policy_name_valid(const char *name);

/* Every error of one file: the first VSWAP_POLICY_ERRORS_MAX kept, n counts them all. */
#define VSWAP_POLICY_ERRORS_MAX 16
struct vswap_policy_errors {
	size_t n;
	struct vswap_policy_error e[VSWAP_POLICY_ERRORS_MAX];
};

/*
 * Parse one policy file's text. name is the policy's name (file name without ".json"),
 * source its path (kept for messages). -EBADMSG with err filled (the first error) on any
 * error: syntax, unknown field, wrong type, out of range, newer schema_version.
 */
int vswap_policy_parse(const char *text, size_t len, const char *name, const char *source,
		       struct vswap_policy **ret, struct vswap_policy_error *err);

/* The same, with every error of the file (each field's own, bounded) rather than the first:
 * -EBADMSG with errs->n >= 1. */
int vswap_policy_parse_all(const char *text, size_t len, const char *name, const char *source,
			   struct vswap_policy **ret, struct vswap_policy_errors *errs);
struct vswap_policy *vswap_policy_free(struct vswap_policy *p);

/*
 * How specifically a policy matches a cgroup, given in its "/"-prefixed form ("/a/b"):
 * < 0 no match, else higher is more specific
 * (exact path, unit or slice above globs, globs by literal characters, default lowest).
 * resolved_cgroup is the cgroup a unit/slice policy's unit lives in (NULL if unknown).
 */
int vswap_policy_match(const struct vswap_policy *p, const char *cgroup,
		       const char *resolved_cgroup);

struct json_object;
/*
 * The policy as a policy file with every field spelled out (defaults included, unset
 * fields left out): parsing its text gives the same policy back. Sizes are bytes as
 * integers, "max" or "N%". The caller owns the object.
 */
struct json_object *vswap_policy_to_json(const struct vswap_policy *p);

/*
 * Set one field of a policy held as JSON (as vswap_policy_to_json() makes it) from a command
 * line's KEY=VALUE: key is the field's path with dots ("vswap.max", "writeback.cooldown_s"),
 * value as a policy file would spell it, without the quotes ("512M", "25%", "true", "0.5",
 * or JSON text: "[{\"ratio_below\": 2}]"). The value goes through the field table's own
 * parser: the same types and ranges as in a file. Cross-field rules are checked when the
 * whole policy is parsed. -EINVAL with err (field: the path, what: why; no line) for an
 * unknown key, a group of fields, or a bad value; -ENOMEM.
 */
int vswap_policy_json_set(struct json_object *policy, const char *key, const char *value,
			  struct vswap_policy_error *err);

/* Print the JSON Schema (draft 2020-12) generated from the field table. */
void vswap_policy_print_schema(FILE *f);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * An attachment as set-policy writes it, for a verb that attaches a policy for a while
 * (run): the whole resulting configuration checked first, the files written atomically,
 * then what is in force read back; when another file still decides for the target,
 * everything is put back and the change refused.
 */

#include <stdbool.h>
#include <stddef.h>

#include "attach.h"
#include "context.h"

struct attachment_request {
	enum vswap_attach_kind kind;
	const char *target;	 /* "/a/b" or "app.service" */
	const char *policy;	 /* its name */
	const char *policy_text; /* NULL: installed already; else installed first as NAME.json */
	size_t policy_len;
	bool runtime; /* below /run (else /etc) */
};

/* The files written, relative to the root; NULL: none. */
struct attachment_files {
	char *attachment;
	char *policy;
};

/* Errors said once; on error nothing stays written. */
int attachment_write(const struct vswap_ctx *ctx, const struct attachment_request *req,
		     struct attachment_files *ret);

/* Remove them (durably; gone already is fine) and free the names. Errors said. */
int attachment_remove(const struct vswap_ctx *ctx, struct attachment_files *files);

/* A POLICY argument naming a file (has a '/' or ends in .json) rather than a policy. */
bool policy_arg_is_file(const char *arg);

/* Read and check a policy file; its name is the file's base name without .json. Errors said
 * (FILE:LINE:COLUMN: ...). */
int policy_file_read(const char *path, char **ret_name, char **ret_text, size_t *ret_len);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "loaderror.h"

#include "util.h"

void vswap_policy_load_error_add(struct vswap_policy_load_errors *errs, const char *path,
				 const struct vswap_policy_error *err, const char *what)
{
	if (errs->n < ELEMENTSOF(errs->errors)) {
		struct vswap_policy_load_error *e = &errs->errors[errs->n];
		snprintf(e->path, sizeof(e->path), "%s", path);
		if (err)
			e->err = *err;
		else { /* about the file as a whole: its first line, never 0:0 */
			e->err = (struct vswap_policy_error){.line = 1, .column = 1};
			snprintf(e->err.what, sizeof(e->err.what), "%s", what);
		}
	}
	errs->n++;
}

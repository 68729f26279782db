/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <dpgram.h>

const char *dpg_strerror(int err)
{
	const char *msg;

	if (err == 0)
		return "Success";
	if (err < 0)
		err = -err;
	/* strerrordesc_np is thread-safe and never formats into a buffer. */
	msg = strerrordesc_np(err);
	return msg != NULL ? msg : "Unknown error";
}

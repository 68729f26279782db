/* SPDX-License-Identifier: BSD-3-Clause
 * PLACEHOLDER: multicast and broadcast delivery to sockets.
 */
#include "net/net.h"

/* SPDX-License-Identifier: BSD-3-Clause
 * PLACEHOLDER: the interface state and report timers (mcast.h).
 */
#include "net/net.h"

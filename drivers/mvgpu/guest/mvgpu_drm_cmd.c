// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command packet decoder of the simulated pGPU, built into the guest
 * driver as well: the driver refuses at submit time exactly the packets the
 * device would refuse at run time. One source, no copy.
 */
#include "../sim/mvgpu_sim_cmd.c"

/*
 * entitlements/learn_internal.h - the calls a learning filter watches and what their values
 * need, shared by learn_filter.c (which rules notify) and learn_needs.c (what a notified call
 * needs). Internal to entitlements/ and its unit tests.
 */
#ifndef ENT_LEARN_INTERNAL_H
#define ENT_LEARN_INTERNAL_H

#include "entitlements/learn.h"

/* What the values of a watched call must show for it to need something. */
enum ent_learn_test {
	ENT_TEST_OFF_LOOPBACK, /* an IPv4 or IPv6 address off the loopback: network reach */
	ENT_TEST_LOW_PORT,     /* an IPv4 or IPv6 port from 1 to 1023 */
	ENT_TEST_RAW_SOCKET,   /* socket(AF_INET or AF_INET6, SOCK_RAW) or AF_PACKET */
	ENT_TEST_OWNER,        /* an owner or group other than the caller's (chown) */
	ENT_TEST_UIDS,         /* a user id the caller does not have (set*uid) */
	ENT_TEST_GIDS,         /* a group id the caller does not have (set*gid) */
	ENT_TEST_ALWAYS,       /* always (setgroups) */
};

/*
 * A call the filter allows whose arguments decide what the kernel lets it do. reads: what the
 * supervisor reads from the caller; arg: the address (its length is the next argument), or
 * the first of n_ids ids; only_set: notify only when this argument is not 0 (-1: always);
 * cap: the capability the kernel wants when the test holds (a capability question, left to
 * the kernel's own checks when they are observed), NULL for network reach.
 */
struct ent_learn_watch {
	const char *syscall;
	uint8_t reads; /* enum ent_learn_read */
	uint8_t arg;
	uint8_t n_ids;
	int8_t only_set;
	uint8_t test; /* enum ent_learn_test */
	const char *cap;
};

extern const struct ent_learn_watch ent_learn_watches[];
extern const size_t ent_n_learn_watches;

/* The watch of syscall; NULL when none, or when it asks about a capability and caps_observed. */
const struct ent_learn_watch *ent_learn_watch_of(const char *syscall, bool caps_observed);

#endif

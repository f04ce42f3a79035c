/*
 * runtime/cgroup_bpf.c - the cgroup v2 device controller: a BPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE attached to the container's cgroup (bpf(2);
 * Documentation/admin-guide/cgroup-v2.rst, "Device controller").
 *
 * v2 has no devices.allow file. Instead, on every open(2) and mknod(2) of a device node the
 * kernel runs the programs attached to the cgroup with a struct bpf_cgroup_dev_ctx (access
 * and type packed in access_type, major, minor); a return value of 0 refuses with EPERM. We
 * generate the program from the plan's rules, the same list the v1 writer uses. No library
 * assembles this kind of program for us, so the instructions are spelled out below; the
 * kernel's verifier checks them at load time.
 */
#include "runtime/cgroup_internal.h"

#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"

/* The few instruction forms the program uses (linux/bpf_common.h encodings). */
static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};
}

#define LDX_W(dst, src, off) insn(BPF_LDX | BPF_W | BPF_MEM, dst, src, off, 0)
#define MOV_REG(dst, src)    insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, imm)    insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define AND_IMM(dst, imm)    insn(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm)
#define RSH_IMM(dst, imm)    insn(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, o) insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, o, imm)
#define JEQ_IMM(dst, imm, o) insn(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, o, imm)
#define EXIT()               insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Registers after the prologue: R2 type, R3 access, R4 major, R5 minor; R1 scratch. */
enum {
	R0,
	R1,
	R2,
	R3,
	R4,
	R5
};

static int32_t dev_type(char type)
{
	return type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR;
}

static int32_t dev_access(const char *access)
{
	int32_t bits = 0;

	for (const char *a = access; *a; a++)
		bits |= *a == 'r'   ? BPF_DEVCG_ACC_READ
		        : *a == 'w' ? BPF_DEVCG_ACC_WRITE
		        : *a == 'm' ? BPF_DEVCG_ACC_MKNOD
		                    : 0;
	return bits;
}

#define ACC_ALL (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

/* Instructions of one rule's test: one per condition, three for a partial access, two to end. */
static unsigned rule_len(const struct cgroup_devrule *r)
{
	return (r->type != 'a') + (dev_access(r->access) != ACC_ALL ? 3 : 0) + (r->major >= 0) +
	       (r->minor >= 0) + 2;
}

/*
 * One rule: every condition that fails jumps to the next rule's first instruction; when all
 * hold, the rule decides. An allow rule must grant all the access asked for
 * ((access & ~rule_access) == 0); a deny rule applies when it denies any of it
 * ((access & rule_access) != 0), as a v1 deny takes those bits away.
 */
static unsigned emit_rule(const struct cgroup_devrule *r, struct bpf_insn *p)
{
	unsigned len = rule_len(r), pc = 0;
	int32_t acc = dev_access(r->access);

#define TO_NEXT ((int16_t)(len - pc - 1))
	if (r->type != 'a') {
		p[pc] = JNE_IMM(R2, dev_type(r->type), TO_NEXT);
		pc++;
	}
	if (acc != ACC_ALL) {
		p[pc++] = MOV_REG(R1, R3);
		p[pc++] = AND_IMM(R1, r->allow ? ~acc & ACC_ALL : acc);
		p[pc] = r->allow ? JNE_IMM(R1, 0, TO_NEXT) : JEQ_IMM(R1, 0, TO_NEXT);
		pc++;
	}
	if (r->major >= 0) {
		p[pc] = JNE_IMM(R4, (int32_t)r->major, TO_NEXT);
		pc++;
	}
	if (r->minor >= 0) {
		p[pc] = JNE_IMM(R5, (int32_t)r->minor, TO_NEXT);
		pc++;
	}
#undef TO_NEXT
	p[pc++] = MOV_IMM(R0, r->allow ? 1 : 0);
	p[pc++] = EXIT();
	return pc;
}

unsigned cgroup_bpf_generate(const struct cgroup_devrule *rules, unsigned n, struct bpf_insn *insns)
{
	unsigned pc = 0;

	/* Prologue: unpack struct bpf_cgroup_dev_ctx, whose address is in R1. */
	insns[pc++] = LDX_W(R2, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	insns[pc++] = MOV_REG(R3, R2);
	insns[pc++] = AND_IMM(R2, 0xffff); /* BPF_DEVCG_DEV_* */
	insns[pc++] = RSH_IMM(R3, 16);     /* BPF_DEVCG_ACC_* */
	insns[pc++] = LDX_W(R4, R1, offsetof(struct bpf_cgroup_dev_ctx, major));
	insns[pc++] = LDX_W(R5, R1, offsetof(struct bpf_cgroup_dev_ctx, minor));
	/*
	 * The last match wins: test the rules from the last to the first, the first hit decides.
	 * A rule without conditions ("a *:* rwm") always decides; the verifier rejects the
	 * unreachable code that would follow it, so it ends the program.
	 */
	for (unsigned i = n; i-- > 0;) {
		pc += emit_rule(&rules[i], insns + pc);
		if (rule_len(&rules[i]) == 2)
			return pc;
	}
	/* No rule matched: deny. */
	insns[pc++] = MOV_IMM(R0, 0);
	insns[pc++] = EXIT();
	return pc;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int cgroup_bpf_attach(const struct bpf_insn *insns, unsigned n, int dir_fd, const char *dir,
                      struct rt_err *err)
{
	static char log[4096];
	union bpf_attr load, attach;
	int prog_fd;

	memset(&load, 0, sizeof(load));
	load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	load.insns = (uint64_t)(uintptr_t)insns;
	load.insn_cnt = n;
	load.license = (uint64_t)(uintptr_t) "GPL";
	load.log_buf = (uint64_t)(uintptr_t)log;
	load.log_size = sizeof(log);
	load.log_level = 1;
	log[0] = '\0';
	rt_trace("cgroup", "bpf(BPF_PROG_LOAD, BPF_PROG_TYPE_CGROUP_DEVICE, %u instructions)", n);
	prog_fd = (int)sys_bpf(BPF_PROG_LOAD, &load);
	if (prog_fd < 0) {
		rt_fail(err, errno, "cgroup: load the device program (%u instructions)", n);
		if (log[0])
			rt_err_hint(err, "verifier: %.140s", log);
		return -1;
	}
	/* ALLOW_MULTI: programs of the cgroups above ours (systemd's) keep running as well. */
	memset(&attach, 0, sizeof(attach));
	attach.target_fd = (uint32_t)dir_fd;
	attach.attach_bpf_fd = (uint32_t)prog_fd;
	attach.attach_type = BPF_CGROUP_DEVICE;
	attach.attach_flags = BPF_F_ALLOW_MULTI;
	rt_trace("cgroup", "bpf(BPF_PROG_ATTACH, %s, BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI)", dir);
	if (sys_bpf(BPF_PROG_ATTACH, &attach) < 0) {
		rt_fail(err, errno, "cgroup: attach the device program to %s", dir);
		close(prog_fd);
		return -1;
	}
	return prog_fd;
}

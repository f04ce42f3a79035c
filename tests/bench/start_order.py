"""Print runtime/start.order's names (tests/bench/start-order.sh): first the functions a static
executable runs before main() - the resolvers its IRELATIVE relocations name, the constructors
its .init_array lists - then the sampled ones (a file, one name a line), each name once.

    python3 start_order.py BINARY SAMPLED
"""
import struct
import subprocess
import sys


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout


def early_addresses(binary):
    """Link-time addresses of the IRELATIVE resolvers and of the .init_array entries."""
    if "Advanced Micro Devices X86-64" not in run("readelf", "-hW", binary):
        sys.exit("start_order.py: %s is not an x86-64 ELF file" % binary)
    addrs = [int(line.split()[-1], 16) for line in run("readelf", "-rW", binary).splitlines()
             if "R_X86_64_IRELATIVE" in line]
    for line in run("readelf", "-SW", binary).splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == ".init_array":
            offset, size = int(f[4], 16), int(f[5], 16)
            with open(binary, "rb") as elf:
                elf.seek(offset)
                data = elf.read(size)
            # Packed relative relocations (DT_RELR) add the load address at start to what the
            # file holds, the link-time addresses. A link with RELA relocations leaves zeros
            # there instead: refused rather than silently missing the constructors.
            init = [v for (v,) in struct.iter_unpack("<Q", data)]
            if init and not any(init):
                sys.exit("start_order.py: %s: .init_array holds no addresses (not a DT_RELR "
                         "link)" % binary)
            addrs += init
    return addrs


def function_names(binary):
    """The name of the function at each address, from the symbol table: a FUNC of non-zero
    size first, then an IFUNC (a resolver's symbol), then a FUNC of size 0 (frame_dummy, from
    the C runtime's start files); never a linker's marker symbol (NOTYPE, OBJECT)."""
    rank = {}
    for line in run("readelf", "-sW", binary).splitlines():
        f = line.split()
        if len(f) < 8 or f[3] not in ("FUNC", "IFUNC"):
            continue
        try:
            addr, size = int(f[1], 16), int(f[2], 0)
        except ValueError:
            continue
        r = 0 if (f[3] == "FUNC" and size) else 1 if f[3] == "IFUNC" else 2
        if addr not in rank or r < rank[addr][0]:
            rank[addr] = (r, f[7])
    return {a: n for a, (_, n) in rank.items()}


def main():
    binary, sampled = sys.argv[1], sys.argv[2]
    names = function_names(binary)
    early = []
    for a in early_addresses(binary):
        if a in names:
            early.append(names[a])
        else:
            print("start_order.py: no function at %#x (a resolver or a constructor)" % a,
                  file=sys.stderr)
    with open(sampled) as f:
        hot = f.read().split()
    seen = set()
    for name in early + hot:
        if name not in seen:
            seen.add(name)
            print(name)


if __name__ == "__main__":
    main()

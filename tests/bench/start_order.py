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
    addrs = [int(line.split()[-1], 16) for line in run("readelf", "-rW", binary).splitlines()
             if "R_X86_64_IRELATIVE" in line]
    for line in run("readelf", "-SW", binary).splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == ".init_array":
            offset, size = int(f[4], 16), int(f[5], 16)
            with open(binary, "rb") as elf:
                elf.seek(offset)
                data = elf.read(size)
            # A static PIE's relative relocations add the load address at start: the file
            # holds the link-time addresses.
            addrs += [v for (v,) in struct.iter_unpack("<Q", data)]
    return addrs


def main():
    binary, sampled = sys.argv[1], sys.argv[2]
    names = {}
    for line in run("nm", binary).splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "TtiW":
            names.setdefault(int(f[0], 16), f[2])
    early = [names[a] for a in early_addresses(binary) if a in names]
    with open(sampled) as f:
        hot = f.read().split()
    seen = set()
    for name in early + hot:
        if name not in seen:
            seen.add(name)
            print(name)


if __name__ == "__main__":
    main()

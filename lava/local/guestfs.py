"""Stands in for python3-guestfs, which lava_dispatcher imports when it loads.

Debian's python3-guestfs pulls libguestfs and an x86 QEMU that conflicts with the newer
qemu-system-arm this host runs; a qemu tmpfs job never builds a guest filesystem, so nothing
here is ever called (lava/run-qemu.sh puts this folder first on PYTHONPATH).
"""

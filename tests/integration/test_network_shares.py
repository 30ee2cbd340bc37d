"""Network shares are refused for the SQLite file (issue #15): found through symbolic links (the real path counts)
and for every common network file system, read from a /proc/mounts-style table given to the detection."""

import pytest

from dxdesk.database import open_database
from dxdesk.db import engine as dbengine
from dxdesk.db.engine import is_network_path, parse_mounts
from dxdesk.errors import UserError
from dxdesk.paths import AppPaths

NETWORK = ["nfs", "nfs4", "nfsd", "cifs", "smb3", "smbfs", "fuse.sshfs", "fuse.glusterfs", "glusterfs", "ceph",
           "fuse.ceph-fuse", "lustre", "9p", "fuse.rclone", "fuse.s3fs", "davfs", "afs", "fuse.gvfsd-fuse"]
LOCAL = ["ext4", "xfs", "btrfs", "tmpfs", "vfat", "ntfs3", "fuseblk", "overlay", "zfs"]


def table(fstype: str, where: str) -> str:
    """A /proc/mounts as Linux writes it, with a share of FSTYPE mounted at WHERE (spaces as \\040)."""
    escaped = where.replace(" ", "\\040")
    return "\n".join([
        "/dev/sda1 / ext4 rw,relatime 0 0",
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
        "tmpfs /run tmpfs rw,nosuid,nodev 0 0",
        f"server:/export {escaped} {fstype} rw,relatime 0 0",
    ]) + "\n"


@pytest.mark.parametrize("fstype", NETWORK)
def test_every_network_file_system_is_a_share(fstype, tmp_path):
    mounts = parse_mounts(table(fstype, "/mnt/Phòng một cửa"))
    assert ("/mnt/Phòng một cửa", fstype) in mounts
    assert is_network_path("/mnt/Phòng một cửa/dxdesk", mounts)
    assert not is_network_path("/home/lan/dxdesk", mounts)


@pytest.mark.parametrize("fstype", LOCAL)
def test_local_file_systems_are_not(fstype):
    assert not is_network_path("/mnt/Phòng một cửa/dxdesk", parse_mounts(table(fstype, "/mnt/Phòng một cửa")))


def test_a_symbolic_link_onto_a_share_is_a_share(tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    link = tmp_path / "home" / "dulieu"
    link.parent.mkdir()
    link.symlink_to(share)
    mounts = parse_mounts(table("cifs", str(share)))
    assert is_network_path(link / "dxdesk", mounts)  # the link itself is on the local disk; its target is not
    chain = tmp_path / "again"
    chain.symlink_to(link)
    assert is_network_path(chain, mounts)


def test_opening_through_a_link_onto_a_share_is_refused(tmp_path, monkeypatch):
    share = tmp_path / "nfs-export"
    share.mkdir()
    (tmp_path / "dxdesk-home").symlink_to(share)
    monkeypatch.setattr(dbengine, "_mount_table", lambda: parse_mounts(table("nfs4", str(share))))
    with pytest.raises(UserError, match="PostgreSQL"):
        open_database(None, AppPaths(tmp_path / "dxdesk-home"))
    assert not (share / "dxdesk.sqlite3").exists()


def test_stacked_mounts_the_last_one_counts():
    text = table("nfs4", "/srv/data") + "/dev/sdb1 /srv/data ext4 rw 0 0\n"  # a local disk mounted over it
    assert not is_network_path("/srv/data/dxdesk", parse_mounts(text))

//! Whether a file is private to this process's user: its owner, its mode
//! and its POSIX ACL. systemd gives a service with `User=` its credentials
//! as root's files that the user alone may read through an ACL entry (and
//! a user's own service, or a filesystem without ACLs, as the user's own,
//! mode 0400); anything that lets another user read or change the file is
//! refused.

use std::os::unix::fs::MetadataExt;

use super::source_error::FileProblem;

/// ACL entry tags (linux/posix_acl_xattr.h).
const USER_OBJ: u16 = 0x01;
const USER: u16 = 0x02;
const GROUP_OBJ: u16 = 0x04;
const GROUP: u16 = 0x08;
const MASK: u16 = 0x10;
const OTHER: u16 = 0x20;
/// Read or write: either is too much for anyone else.
const READ_WRITE: u16 = 0o6;

/// The file's extended ACL as (tag, permissions, id), if it has one.
fn acl(file: &std::fs::File) -> Option<Vec<(u16, u16, u32)>> {
    use std::os::fd::AsRawFd;
    let mut buf = [0u8; 4 + 8 * 64];
    // SAFETY: the name is NUL-terminated and the buffer is ours, of the
    // length given; the call writes at most that many bytes.
    let n = unsafe {
        libc::fgetxattr(
            file.as_raw_fd(),
            c"system.posix_acl_access".as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    let n = usize::try_from(n).ok()?;
    let body = buf.get(4..n)?;
    Some(
        body.chunks_exact(8)
            .map(|e| {
                let tag = u16::from_le_bytes([e[0], e[1]]);
                let perm = u16::from_le_bytes([e[2], e[3]]);
                (tag, perm, u32::from_le_bytes([e[4], e[5], e[6], e[7]]))
            })
            .collect(),
    )
}

/// `Ok` when `file` is a regular file that user `me` may read and nobody
/// else may read or change (root aside, who can anyway).
pub fn check(file: &std::fs::File, me: u32) -> Result<(), FileProblem> {
    let meta = file.metadata().map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(FileProblem::NotAFile);
    }
    let (owner, mode) = (meta.uid(), meta.mode() & 0o7777);
    let open = FileProblem::OpenToOthers { mode };
    let Some(entries) = acl(file) else {
        if owner != me {
            return Err(FileProblem::NotYours { owner, me });
        }
        return if mode & 0o077 == 0 { Ok(()) } else { Err(open) };
    };
    if owner != me && owner != 0 {
        return Err(FileProblem::NotYours { owner, me });
    }
    let mask = entries.iter().find(|e| e.0 == MASK).map_or(0o7, |e| e.1);
    let mut mine = owner == me;
    for &(tag, perm, id) in &entries {
        let others = match tag {
            USER if id == me => {
                mine |= perm & mask & 0o4 != 0;
                false
            }
            USER | GROUP_OBJ | GROUP => perm & mask & READ_WRITE != 0,
            OTHER => perm & READ_WRITE != 0,
            // The owner's own (root, or this user) and the mask itself.
            USER_OBJ | MASK => false,
            _ => false,
        };
        if others {
            return Err(open);
        }
    }
    if mine {
        Ok(())
    } else {
        Err(FileProblem::NotYours { owner, me })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_acl(entries: &[(u16, u16, u32)]) -> (tempfile::TempDir, std::fs::File) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cred");
        std::fs::write(&path, "hd-canary-acl").unwrap();
        let mut value = 2u32.to_le_bytes().to_vec();
        for &(tag, perm, id) in entries {
            value.extend(tag.to_le_bytes());
            value.extend(perm.to_le_bytes());
            value.extend(id.to_le_bytes());
        }
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: both strings are NUL-terminated; the value is ours.
        let r = unsafe {
            libc::setxattr(
                c.as_ptr(),
                c"system.posix_acl_access".as_ptr(),
                value.as_ptr().cast(),
                value.len(),
                0,
            )
        };
        assert_eq!(r, 0, "setxattr: {}", std::io::Error::last_os_error());
        let file = std::fs::File::open(&path).unwrap();
        (dir, file)
    }

    const ANY: u32 = u32::MAX;

    /// systemd's layout for a service with `User=`: root's file, 0400,
    /// with an ACL entry that lets the service's user read it.
    #[test]
    fn a_root_file_the_user_alone_reads_through_an_acl_is_private() {
        let me = 1000;
        let owner = unsafe { libc::geteuid() };
        let systemd = [
            (USER_OBJ, 0o4, ANY),
            (USER, 0o4, me),
            (GROUP_OBJ, 0, ANY),
            (MASK, 0o4, ANY),
            (OTHER, 0, ANY),
        ];
        let (_d, f) = with_acl(&systemd);
        let expect = if owner == 0 {
            Ok(())
        } else {
            Err(FileProblem::NotYours { owner, me })
        };
        assert_eq!(check(&f, me), expect);
        // Another user is not let in by it.
        assert!(check(&f, 1001).is_err());
        // A group, a second user or everyone reading too: refused.
        for extra in [(GROUP, 0o4, 50), (USER, 0o4, 1001), (GROUP_OBJ, 0o4, ANY)] {
            let mut acl = systemd.to_vec();
            acl.retain(|e| e.0 != extra.0 || e.0 == USER);
            acl.push(extra);
            acl.sort();
            let (_d, f) = with_acl(&acl);
            assert!(
                matches!(
                    check(&f, me),
                    Err(FileProblem::OpenToOthers { .. }) | Err(FileProblem::NotYours { .. })
                ),
                "{extra:?}"
            );
            assert!(
                matches!(check(&f, owner), Err(FileProblem::OpenToOthers { .. })),
                "{extra:?}"
            );
        }
        // The mask keeps a group's entry from reading.
        let mut masked = systemd.to_vec();
        masked.push((GROUP, 0o4, 50));
        masked.iter_mut().filter(|e| e.0 == MASK).for_each(|e| e.1 = 0);
        masked.sort();
        let (_d, f) = with_acl(&masked);
        assert_eq!(check(&f, owner), Ok(()));
    }
}

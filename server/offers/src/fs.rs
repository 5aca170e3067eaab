//! File I/O for catalogs (feature `fs`; the core crate stays pure). Reads what gpuhunt
//! publishes or what `GPUHUNT_CATALOG_DIR` points at:
//!
//! * a directory of `{provider}.csv` files;
//! * a directory laid out like the v3 bucket: `{provider}/version` and
//!   `{provider}/{version}/catalog.zip` (or `{provider}/latest/catalog.zip`);
//! * a `catalog.zip` (v2 bundle with every provider, or a v3 zip with one CSV).
//!
//! Every read is bounded (see the `MAX_*` limits): only regular files are opened, never FIFOs
//! or devices (those are skipped with one warning), sizes are checked before reading and
//! enforced while reading, and a zip must have no overlapping entries and members no larger
//! than they declare.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use crate::catalog::store::Catalog;

/// Largest CSV file or zip member read (gpuhunt's biggest CSVs are a few MB; the reference
/// catalog's biggest, gcp.csv, is 1.5 MB).
pub const MAX_CSV_BYTES: u64 = 16 << 20;
/// CSV text one load reads in all, zip members counted inflated.
pub const MAX_TOTAL_BYTES: u64 = 32 << 20;
/// Largest `catalog.zip` opened (gpuhunt's whole v2 bundle is a few MB); it is read into
/// memory, so this cap also bounds that buffer.
pub const MAX_ZIP_BYTES: u64 = 16 << 20;
/// Entries a zip may list (the v2 bundle has about twenty).
pub const MAX_ZIP_ENTRIES: usize = 1_000;
/// Entries of a catalog directory looked at.
pub const MAX_DIR_ENTRIES: usize = 10_000;
/// A v3 `{provider}/version` file holds one short folder name.
const MAX_VERSION_BYTES: u64 = 256;

/// A reader that fails once more than `cap` bytes come through (a file may grow after its
/// size was checked; an inflating zip member may not stop where it said).
struct Capped<R> {
    inner: R,
    cap: u64,
    read: u64,
    over: bool,
}

impl<R: Read> Capped<R> {
    fn new(inner: R, cap: u64) -> Capped<R> {
        Capped {
            inner,
            cap,
            read: 0,
            over: false,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Ask for one byte past the cap so an overlong input is seen, not silently cut.
        let room = usize::try_from(self.cap - self.read + 1).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = self.inner.read(buf.get_mut(..want).unwrap_or_default())?;
        self.read += n as u64;
        if self.read > self.cap {
            self.over = true;
            return Err(std::io::Error::other("input exceeds its size limit"));
        }
        Ok(n)
    }
}

/// Opens `path` (symlinks followed) only if it is a regular file: never a FIFO (opening one blocks
/// until a writer appears) or a device (endless). The type is checked before opening and again on
/// the handle, which is opened non-blocking in case the path was swapped for a FIFO in between.
/// `Ok(Err(type))` for anything that is not a regular file. Every bounded read of this project
/// (catalogs here, configurations and ignore files in `server/ls`) opens through this.
pub fn open_regular_file(path: &Path) -> std::io::Result<Result<(File, u64), std::fs::FileType>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Ok(Err(meta.file_type()));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_NOCTTY,
    );
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Err(meta.file_type()));
    }
    Ok(Ok((file, meta.len())))
}

/// [`open_regular_file`] with the path in the error; `None` when it is not a regular file.
fn open_regular(path: &Path) -> Result<Option<(File, u64)>, String> {
    match open_regular_file(path) {
        Ok(Ok(opened)) => Ok(Some(opened)),
        Ok(Err(_)) => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn stem_of_csv(name: &str) -> Option<&str> {
    let base = name.rsplit(['/', '\\']).next()?;
    base.strip_suffix(".csv")
}

fn mib(bytes: u64) -> u64 {
    bytes >> 20
}

/// One catalog load: the byte budget left and the entries skipped as not regular files.
struct Load {
    left: u64,
    skipped: Vec<PathBuf>,
}

impl Load {
    fn new() -> Load {
        Load {
            left: MAX_TOTAL_BYTES,
            skipped: Vec::new(),
        }
    }

    /// Checks a declared size against the per-file cap and what is left of the load's budget;
    /// returns the cap to enforce while reading.
    fn allow(&self, what: &str, size: u64) -> Result<u64, String> {
        if size > MAX_CSV_BYTES {
            return Err(format!(
                "{what} is {size} bytes; catalog files are limited to {} MiB",
                mib(MAX_CSV_BYTES)
            ));
        }
        if size > self.left {
            return Err(format!(
                "{what}: the catalog holds more than {} MiB of CSV text in all",
                mib(MAX_TOTAL_BYTES)
            ));
        }
        Ok(MAX_CSV_BYTES.min(self.left))
    }

    fn add_csv(
        &mut self,
        catalog: &mut Catalog,
        provider: &str,
        what: &str,
        input: impl Read,
        declared: u64,
    ) -> Result<(), String> {
        let cap = self.allow(what, declared)?;
        let mut input = Capped::new(input, cap);
        let added = catalog.add_csv_reader(provider, &mut input);
        self.left = self.left.saturating_sub(input.read);
        if input.over {
            return Err(format!(
                "{what} grew past its size limit while being read ({} MiB)",
                mib(cap)
            ));
        }
        added.map_err(|e| format!("{what}: {e}"))
    }

    fn zip_file(&mut self, path: &Path, file: File, len: u64) -> Result<Catalog, String> {
        let shown = path.display().to_string();
        if len > MAX_ZIP_BYTES {
            return Err(format!(
                "{shown} is {len} bytes; catalog zips are limited to {} MiB",
                mib(MAX_ZIP_BYTES)
            ));
        }
        // Read into memory under the cap: the file may grow after its size was checked.
        let mut bytes = Vec::new();
        let mut capped = Capped::new(file, MAX_ZIP_BYTES);
        capped
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{shown}: {e}"))?;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| format!("{shown}: {e}"))?;
        self.zip(&shown, &mut zip)
    }

    /// Adds every `*.csv` member of a zip. The v2 bundle's `datacrunch.csv` (a copy of
    /// `verda.csv` kept for old clients) is skipped when `verda.csv` is there.
    fn zip<R: Read + std::io::Seek>(
        &mut self,
        shown: &str,
        zip: &mut zip::ZipArchive<R>,
    ) -> Result<Catalog, String> {
        if zip.len() > MAX_ZIP_ENTRIES {
            return Err(format!(
                "{shown}: {} entries; catalog zips are limited to {MAX_ZIP_ENTRIES}",
                zip.len()
            ));
        }
        // The zip crate reports overlaps but does not refuse them: entries sharing bytes are
        // the classic way to make a small zip inflate to far more than its size.
        if zip
            .has_overlapping_entries()
            .map_err(|e| format!("{shown}: {e}"))?
        {
            return Err(format!(
                "{shown}: zip entries overlap (a malformed or hostile zip)"
            ));
        }
        let names: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect();
        let has_verda = names.iter().any(|n| stem_of_csv(n) == Some("verda"));
        let mut catalog = Catalog::new();
        for i in 0..zip.len() {
            let member = zip.by_index(i).map_err(|e| format!("{shown}: {e}"))?;
            let name = member.name().unwrap_or_default().to_string();
            let Some(provider) = stem_of_csv(&name).filter(|_| !member.is_dir()) else {
                continue;
            };
            if provider == "datacrunch" && has_verda {
                continue;
            }
            let what = format!("{shown}: {name}");
            let declared = member.size();
            let mut member = Capped::new(member, declared);
            let provider = provider.to_string();
            self.add_csv(&mut catalog, &provider, &what, &mut member, declared)
                .map_err(|e| {
                    if member.over {
                        format!("{what} inflates past its declared size of {declared} bytes")
                    } else {
                        e
                    }
                })?;
            if member.read != declared {
                return Err(format!(
                    "{what} inflates to {} bytes, not its declared {declared}",
                    member.read
                ));
            }
        }
        Ok(catalog)
    }

    fn path(&mut self, path: &Path) -> Result<Catalog, String> {
        let shown = path.display();
        let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
        if meta.is_dir() {
            return self.dir(path);
        }
        let Some((file, len)) = open_regular(path)? else {
            return Err(format!(
                "{shown} is not a regular file or directory (a FIFO or a device?)"
            ));
        };
        let mut file = BufReader::new(file);
        let magic = std::io::BufRead::fill_buf(&mut file).map_err(|e| format!("{shown}: {e}"))?;
        if magic.starts_with(b"PK") {
            return self.zip_file(path, file.into_inner(), len);
        }
        let provider = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("unknown")
            .to_string();
        let mut catalog = Catalog::new();
        self.add_csv(&mut catalog, &provider, &shown.to_string(), file, len)?;
        Ok(catalog)
    }

    fn dir(&mut self, dir: &Path) -> Result<Catalog, String> {
        let shown = dir.display();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{shown}: {e}"))?
            .take(MAX_DIR_ENTRIES)
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
        entries.sort();
        let has_verda = entries
            .iter()
            .any(|p| p.file_name().and_then(|n| n.to_str()) == Some("verda.csv"));
        let mut catalog = Catalog::new();
        for path in &entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let Ok(meta) = std::fs::metadata(path) else {
                continue;
            };
            if meta.is_dir() {
                // v3 layout: {provider}/version names the folder holding catalog.zip.
                let version = self.version(&path.join("version"));
                let candidates = [
                    version.map(|v| path.join(v).join("catalog.zip")),
                    Some(path.join("latest").join("catalog.zip")),
                ];
                for zip in candidates.into_iter().flatten() {
                    match open_regular(&zip) {
                        Ok(Some((file, len))) => {
                            catalog.merge(&self.zip_file(&zip, file, len)?);
                            break;
                        }
                        Ok(None) if zip.exists() => self.skipped.push(zip),
                        _ => {}
                    }
                }
                continue;
            }
            let provider = stem_of_csv(name);
            if provider.is_none() && name != "catalog.zip" {
                continue;
            }
            if provider == Some("datacrunch") && has_verda {
                continue;
            }
            let Some((file, len)) = open_regular(path)? else {
                self.skipped.push(path.clone());
                continue;
            };
            match provider {
                Some(provider) => {
                    let what = path.display().to_string();
                    self.add_csv(&mut catalog, provider, &what, BufReader::new(file), len)?;
                }
                None => catalog.merge(&self.zip_file(path, file, len)?),
            }
        }
        Ok(catalog)
    }

    /// The folder a v3 `version` file names: one plain path component, else `None`.
    fn version(&mut self, path: &Path) -> Option<String> {
        let (file, _) = match open_regular(path) {
            Ok(Some(f)) => f,
            Ok(None) => {
                self.skipped.push(path.to_path_buf());
                return None;
            }
            Err(_) => return None,
        };
        let mut text = String::new();
        file.take(MAX_VERSION_BYTES)
            .read_to_string(&mut text)
            .ok()?;
        let v = text.trim();
        let plain = !v.is_empty() && v != "." && v != ".." && !v.contains(['/', '\\']);
        plain.then(|| v.to_string())
    }
}

/// Reads a zip held in memory (tests, callers with the bytes at hand), with the same limits.
pub fn load_zip_bytes(bytes: &[u8]) -> Result<Catalog, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    Load::new().zip("zip", &mut zip)
}

/// Loads a catalog directory (flat `{provider}.csv`, or the v3 bucket layout), a zip, or one
/// CSV file (provider = file name). Entries that are not regular files are skipped and named
/// in one warning (line 0) of the catalog.
pub fn load_path(path: &Path) -> Result<Catalog, String> {
    let mut load = Load::new();
    let mut catalog = load.path(path)?;
    if !load.skipped.is_empty() {
        let mut names: Vec<String> = load
            .skipped
            .iter()
            .take(5)
            .map(|p| p.display().to_string())
            .collect();
        if load.skipped.len() > 5 {
            names.push(format!("… {} more", load.skipped.len() - 5));
        }
        let message = format!(
            "skipped {} entries that are not regular files (FIFOs or devices): {}",
            load.skipped.len(),
            names.join(", ")
        );
        catalog.warn(&path.display().to_string(), 0, message);
    }
    catalog.set_source(format!("{}", path.display()));
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const CSV: &str = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\nt3.micro,us-east-1,0.01,2,1,0,,,False,,,,x86,{}\n";

    /// A zip written by the zip crate: `(name, contents, deflated)` members.
    fn zip_of(members: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data, deflated) in members {
            let method = if *deflated {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            };
            let opts = zip::write::SimpleFileOptions::default().compression_method(method);
            assert!(w.start_file(*name, opts).is_ok());
            assert!(w.write_all(data).is_ok());
        }
        w.finish().map(|c| c.into_inner()).unwrap_or_default()
    }

    /// Offset of the central directory and of the end record.
    fn directory(z: &[u8]) -> (usize, usize) {
        let eocd = (0..z.len() - 21)
            .rev()
            .find(|&i| z[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
            .unwrap_or(0);
        let cd = u32::from_le_bytes([z[eocd + 16], z[eocd + 17], z[eocd + 18], z[eocd + 19]]);
        (cd as usize, eocd)
    }

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("dstack-offers-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(std::fs::create_dir_all(&dir).is_ok());
        dir
    }

    /// Runs `f` on a thread and fails (instead of hanging the suite) if it never returns.
    fn within_watchdog<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("catalog load hung"))
    }

    #[test]
    fn reads_stored_and_deflated_zips() {
        let many =
            CSV.to_string() + &"t3.micro,us-east-1,0.01,2,1,0,,,False,,,,x86,{}\n".repeat(49);
        let z = zip_of(&[
            ("aws.csv", CSV.as_bytes(), false),
            ("verda.csv", many.as_bytes(), true),
        ]);
        let c = load_zip_bytes(&z);
        assert_eq!(
            c.map(|c| (c.len(), c.providers().join(","))),
            Ok((51, "aws,verda".to_string()))
        );
        assert!(load_zip_bytes(b"PK nonsense").is_err());
    }

    #[test]
    fn rejects_overlapping_zip_entries() {
        // Eight directory entries naming the same member: each would inflate it again.
        let z = zip_of(&[("aws.csv", CSV.as_bytes(), true)]);
        let (cd, eocd) = directory(&z);
        let entry = z[cd..eocd].to_vec();
        let mut bad = z[..cd].to_vec();
        for i in 0..8u8 {
            let mut e = entry.clone();
            e[46] = b'a' + i; // a different name of the same length
            bad.extend_from_slice(&e);
        }
        let mut end = z[eocd..].to_vec();
        end[8..10].copy_from_slice(&8u16.to_le_bytes());
        end[10..12].copy_from_slice(&8u16.to_le_bytes());
        end[12..16].copy_from_slice(&((entry.len() * 8) as u32).to_le_bytes());
        bad.extend_from_slice(&end);
        let err = load_zip_bytes(&bad).err().unwrap_or_default();
        assert!(err.contains("overlap"), "{err}");
    }

    #[test]
    fn rejects_zip_members_that_lie_about_their_size() {
        let big =
            CSV.to_string() + &"t3.micro,us-east-1,0.01,2,1,0,,,False,,,,x86,{}\n".repeat(999);
        let z = zip_of(&[("aws.csv", big.as_bytes(), true)]);
        let (cd, _) = directory(&z);
        let patched = |size: u32| {
            let mut z = z.clone();
            z[cd + 24..cd + 28].copy_from_slice(&size.to_le_bytes());
            load_zip_bytes(&z).err().unwrap_or_default()
        };
        // A huge declared size is refused before inflating anything...
        let err = patched(u32::MAX);
        assert!(err.contains("limited to"), "{err}");
        // ...and a member inflating past (or short of) what it declares is refused too (the zip
        // crate checks this itself; `Capped` enforces it whatever the crate does).
        let err = patched(100);
        assert!(err.contains("declared"), "{err}");
        let err = patched(big.len() as u32 + 10);
        assert!(err.contains("declared"), "{err}");
    }

    #[test]
    fn reads_directories() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/offers/catalog");
        let flat = load_path(&fixture);
        let rows = flat.as_ref().map(|c| c.len()).unwrap_or(0);
        assert!(rows > 800, "{rows}");
        assert_eq!(flat.map(|c| c.providers().len()), Ok(9));

        // v3 bucket layout: {provider}/version + {provider}/{version}/catalog.zip
        let root = temp_dir("v3");
        let csv = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\nCPU.4V.16G,FIN-01,0.035,4,16.0,0,,,False,,,,x86,{}\n";
        let made = std::fs::create_dir_all(root.join("verda/20261127-1"))
            .and_then(|_| std::fs::write(root.join("verda/version"), "20261127-1\n"))
            .and_then(|_| {
                std::fs::write(
                    root.join("verda/20261127-1/catalog.zip"),
                    zip_of(&[("verda.csv", csv.as_bytes(), true)]),
                )
            });
        assert!(made.is_ok(), "{made:?}");
        let v3 = load_path(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            v3.map(|c| (c.len(), c.providers().join(","))),
            Ok((1, "verda".to_string()))
        );
        assert!(load_path(Path::new("/nonexistent/catalog")).is_err());
    }

    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo {}", path.display());
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_skipped_not_read() {
        let root = temp_dir("fifo");
        assert!(std::fs::create_dir_all(root.join("aws/latest")).is_ok());
        mkfifo(&root.join("aws/version"));
        mkfifo(&root.join("gcp.csv"));
        mkfifo(&root.join("catalog.zip"));
        assert!(std::fs::write(root.join("lambdalabs.csv"), CSV).is_ok());
        let dir = root.clone();
        let loaded = within_watchdog(move || load_path(&dir));
        let c = loaded.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.providers(), vec!["lambdalabs"]);
        let notes: Vec<&str> = c.warnings().iter().map(|w| w.message.as_str()).collect();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("skipped 3 entries"), "{notes:?}");
        // The path itself a FIFO or a device: refused at once.
        let fifo = root.join("gcp.csv");
        let err = within_watchdog(move || load_path(&fifo))
            .err()
            .unwrap_or_default();
        assert!(err.contains("not a regular file"), "{err}");
        let err = within_watchdog(|| load_path(Path::new("/dev/zero")))
            .err()
            .unwrap_or_default();
        assert!(err.contains("not a regular file"), "{err}");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn oversized_files_are_refused_before_reading() {
        let root = temp_dir("big");
        // A sparse 1 GB file costs no disk, and would cost 1 GB of memory if read.
        let big = std::fs::File::create(root.join("aws.csv")).and_then(|f| f.set_len(1 << 30));
        assert!(big.is_ok());
        let err = load_path(&root).err().unwrap_or_default();
        assert!(err.contains("limited to 16 MiB"), "{err}");
        // Files each under the per-file cap still share one budget per load.
        assert!(std::fs::remove_file(root.join("aws.csv")).is_ok());
        for p in ["a", "b", "c"] {
            let f = std::fs::File::create(root.join(format!("{p}.csv")))
                .and_then(|f| f.set_len(15 << 20));
            assert!(f.is_ok());
        }
        let err = load_path(&root).err().unwrap_or_default();
        assert!(err.contains("32 MiB of CSV text in all"), "{err}");
        let _ = std::fs::remove_dir_all(&root);
    }
}

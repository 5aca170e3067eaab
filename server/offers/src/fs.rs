//! File I/O for catalogs (feature `fs`; the core crate stays pure). Reads what gpuhunt
//! publishes or what `GPUHUNT_CATALOG_DIR` points at:
//!
//! * a directory of `{provider}.csv` files;
//! * a directory laid out like the v3 bucket: `{provider}/version` and
//!   `{provider}/{version}/catalog.zip` (or `{provider}/latest/catalog.zip`);
//! * a `catalog.zip` (v2 bundle with every provider, or a v3 zip with one CSV).
//!
//! Zip members may be stored or deflated (what Python's `zipfile` writes); the container is
//! read here, the DEFLATE stream by `miniz_oxide`.

use std::path::Path;

use crate::Catalog;

/// Members bigger than this are refused (a real provider CSV is a few MB).
const MAX_MEMBER: usize = 512 << 20;

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at + 2)?;
    Some(u16::from_le_bytes([s[0], s[1]]) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

/// `(name, contents)` of every file in a zip archive.
pub fn unzip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    let search_from = bytes.len().saturating_sub(22 + 65535);
    let eocd = (search_from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes.get(i..i + 4) == Some(&EOCD[..]))
        .ok_or("not a zip archive (no end-of-directory record)")?;
    let entries = u16_at(bytes, eocd + 10).ok_or("truncated zip")?;
    let mut at = u32_at(bytes, eocd + 16).ok_or("truncated zip")?;
    let mut out = Vec::new();
    for _ in 0..entries {
        if u32_at(bytes, at) != Some(0x0201_4b50) {
            return Err("corrupt zip central directory".into());
        }
        let method = u16_at(bytes, at + 10).ok_or("truncated zip")?;
        let compressed = u32_at(bytes, at + 20).ok_or("truncated zip")?;
        let size = u32_at(bytes, at + 24).ok_or("truncated zip")?;
        let name_len = u16_at(bytes, at + 28).ok_or("truncated zip")?;
        let extra_len = u16_at(bytes, at + 30).ok_or("truncated zip")?;
        let comment_len = u16_at(bytes, at + 32).ok_or("truncated zip")?;
        let local = u32_at(bytes, at + 42).ok_or("truncated zip")?;
        let name = bytes
            .get(at + 46..at + 46 + name_len)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .ok_or("truncated zip")?;
        at += 46 + name_len + extra_len + comment_len;
        if name.ends_with('/') {
            continue;
        }
        if u32_at(bytes, local) != Some(0x0403_4b50) {
            return Err(format!("corrupt zip entry {name}"));
        }
        let data_start = local
            + 30
            + u16_at(bytes, local + 26).ok_or("truncated zip")?
            + u16_at(bytes, local + 28).ok_or("truncated zip")?;
        let data = bytes
            .get(data_start..data_start + compressed)
            .ok_or_else(|| format!("truncated zip entry {name}"))?;
        let contents = match method {
            0 => data.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, MAX_MEMBER.max(size))
                .map_err(|e| format!("cannot inflate {name}: {e:?}"))?,
            m => return Err(format!("{name}: unsupported zip compression method {m}")),
        };
        out.push((name, contents));
    }
    Ok(out)
}

fn stem_of_csv(name: &str) -> Option<&str> {
    let base = name.rsplit(['/', '\\']).next()?;
    base.strip_suffix(".csv")
}

/// Adds every `*.csv` member of a zip. The v2 bundle's `datacrunch.csv` (a copy of
/// `verda.csv` kept for old clients) is skipped when `verda.csv` is there.
pub fn load_zip_bytes(bytes: &[u8]) -> Result<Catalog, String> {
    let members = unzip(bytes)?;
    let has_verda = members.iter().any(|(n, _)| stem_of_csv(n) == Some("verda"));
    let mut catalog = Catalog::new();
    for (name, contents) in &members {
        let Some(provider) = stem_of_csv(name) else {
            continue;
        };
        if provider == "datacrunch" && has_verda {
            continue;
        }
        catalog.add_csv(provider, &String::from_utf8_lossy(contents));
    }
    Ok(catalog)
}

/// Loads a catalog directory (flat `{provider}.csv`, or the v3 bucket layout), a zip, or one
/// CSV file (provider = file name).
pub fn load_path(path: &Path) -> Result<Catalog, String> {
    let shown = path.display();
    let mut catalog = if path.is_dir() {
        load_dir(path)?
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
        if bytes.starts_with(b"PK") {
            load_zip_bytes(&bytes).map_err(|e| format!("{shown}: {e}"))?
        } else {
            let provider = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("unknown")
                .to_string();
            Catalog::from_csv(&provider, &String::from_utf8_lossy(&bytes))
        }
    };
    catalog.set_source(format!("{shown}"));
    Ok(catalog)
}

fn load_dir(dir: &Path) -> Result<Catalog, String> {
    let shown = dir.display();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{shown}: {e}"))?
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
        if path.is_file() {
            if let Some(provider) = stem_of_csv(name) {
                if provider == "datacrunch" && has_verda {
                    continue;
                }
                let text = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
                catalog.add_csv(provider, &String::from_utf8_lossy(&text));
            } else if name == "catalog.zip" {
                catalog.merge(&load_path(path)?);
            }
        } else if path.is_dir() {
            // v3 layout: {provider}/version names the folder holding catalog.zip.
            let version = std::fs::read_to_string(path.join("version")).ok();
            let candidates = [
                version.map(|v| path.join(v.trim()).join("catalog.zip")),
                Some(path.join("latest").join("catalog.zip")),
            ];
            if let Some(zip) = candidates.into_iter().flatten().find(|p| p.is_file()) {
                catalog.merge(&load_path(&zip)?);
            }
        }
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip with one stored member, built by hand (layout per the zip specification).
    fn stored_zip(name: &str, data: &[u8]) -> Vec<u8> {
        let mut z = Vec::new();
        let crc = 0u32; // not checked by the reader
        let push16 = |z: &mut Vec<u8>, v: u16| z.extend_from_slice(&v.to_le_bytes());
        let push32 = |z: &mut Vec<u8>, v: u32| z.extend_from_slice(&v.to_le_bytes());
        push32(&mut z, 0x0403_4b50);
        for v in [20u16, 0, 0, 0, 0] {
            push16(&mut z, v);
        }
        push32(&mut z, crc);
        push32(&mut z, data.len() as u32);
        push32(&mut z, data.len() as u32);
        push16(&mut z, name.len() as u16);
        push16(&mut z, 0);
        z.extend_from_slice(name.as_bytes());
        z.extend_from_slice(data);
        let cd = z.len();
        push32(&mut z, 0x0201_4b50);
        for v in [20u16, 20, 0, 0, 0, 0] {
            push16(&mut z, v);
        }
        push32(&mut z, crc);
        push32(&mut z, data.len() as u32);
        push32(&mut z, data.len() as u32);
        push16(&mut z, name.len() as u16);
        for v in [0u16, 0, 0, 0] {
            push16(&mut z, v);
        }
        push32(&mut z, 0);
        push32(&mut z, 0);
        z.extend_from_slice(name.as_bytes());
        let cd_len = z.len() - cd;
        push32(&mut z, 0x0605_4b50);
        for v in [0u16, 0, 1, 1] {
            push16(&mut z, v);
        }
        push32(&mut z, cd_len as u32);
        push32(&mut z, cd as u32);
        push16(&mut z, 0);
        z
    }

    #[test]
    fn reads_stored_zip() {
        let csv = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\nt3.micro,us-east-1,0.01,2,1,0,,,False,,,,x86,{}\n";
        let z = stored_zip("aws.csv", csv.as_bytes());
        let c = load_zip_bytes(&z);
        assert_eq!(c.map(|c| c.len()), Ok(1));
        assert!(load_zip_bytes(b"PK nonsense").is_err());
    }

    #[test]
    fn reads_deflated_zip() {
        let csv = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\n".to_string()
            + &"t3.micro,us-east-1,0.01,2,1,0,,,False,,,,x86,{}\n".repeat(50);
        let deflated = miniz_oxide::deflate::compress_to_vec(csv.as_bytes(), 6);
        let mut z = stored_zip("verda.csv", &deflated);
        // Patch the method (offset 8 local, 10 central) and the uncompressed size.
        z[8] = 8;
        let cd = z.len() - 22 - 46 - "verda.csv".len();
        z[cd + 10] = 8;
        z[cd + 24..cd + 28].copy_from_slice(&(csv.len() as u32).to_le_bytes());
        let c = load_zip_bytes(&z);
        assert_eq!(
            c.map(|c| (c.len(), c.providers().join(","))),
            Ok((50, "verda".to_string()))
        );
    }

    #[test]
    fn reads_directories() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/offers/catalog");
        let flat = load_path(&fixture);
        let rows = flat.as_ref().map(|c| c.len()).unwrap_or(0);
        assert!(rows > 800, "{rows}");
        assert_eq!(flat.map(|c| c.providers().len()), Ok(9));

        // v3 bucket layout: {provider}/version + {provider}/{version}/catalog.zip
        let root = std::env::temp_dir().join(format!("dstack-offers-v3-{}", std::process::id()));
        let csv = "instance_name,location,price,cpu,memory,gpu_count,gpu_name,gpu_memory,spot,disk_size,gpu_vendor,flags,cpu_arch,provider_data\nCPU.4V.16G,FIN-01,0.035,4,16.0,0,,,False,,,,x86,{}\n";
        let made = std::fs::create_dir_all(root.join("verda/20261127-1"))
            .and_then(|_| std::fs::write(root.join("verda/version"), "20261127-1\n"))
            .and_then(|_| {
                std::fs::write(
                    root.join("verda/20261127-1/catalog.zip"),
                    stored_zip("verda.csv", csv.as_bytes()),
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
}

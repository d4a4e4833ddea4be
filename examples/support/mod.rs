//! What the examples share: reading their flags and the process's memory.
//! (A directory module, so Cargo does not take it for an example.)

#![allow(dead_code)] // each example uses what it needs

/// `--flag=value` as the flag and its value; any other argument as itself.
pub fn split_flag(arg: &str) -> (String, Option<String>) {
    match arg.split_once('=') {
        Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value.into())),
        _ => (arg.to_string(), None),
    }
}

/// The value of `flag`: given inline (`--flag=value`) or the next argument.
pub fn flag_value(
    flag: &str,
    inline: Option<String>,
    args: &mut impl Iterator<Item = String>,
) -> Result<String, String> {
    inline
        .or_else(|| args.next())
        .ok_or_else(|| format!("`{flag}` needs a value"))
}

/// A whole number of at least 1.
pub fn positive(flag: &str, value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "`{flag}` expects a whole number of at least 1, got `{value}`"
        )),
    }
}

/// A size in bytes (`--memory-limit 256MB`).
pub fn bytes(flag: &str, value: &str) -> Result<usize, String> {
    ndchunk::parse_bytes(value).map_err(|e| format!("`{flag}`: {e}"))
}

/// A field of `/proc/self/status` or `/proc/self/io` (Linux), as a number
/// (kB fields in kB).
pub fn proc_field(file: &str, field: &str) -> Option<usize> {
    let text = std::fs::read_to_string(format!("/proc/self/{file}")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The process's peak resident set size in bytes (`VmHWM`, Linux).
pub fn peak_rss() -> Option<usize> {
    proc_field("status", "VmHWM:").map(|kib| kib * 1024)
}

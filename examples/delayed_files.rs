//! Many files read lazily and in parallel, where some reads fail: keep the
//! good results, report the bad files with the parser's message, fix them
//! and retry just those.
//!
//! ```text
//! cargo run --release --example delayed_files
//! cargo run --release --example delayed_files -- --help
//! ```
//!
//! The example writes 40 small CSV files (one column, `price`) into a fresh
//! directory under the system's temporary directory, three of them broken on
//! purpose (a value that is not a number, a missing header line, a row with
//! an extra field), and removes the directory at the end. Then it:
//!
//! 1. builds one delayed read per file, `try_delayed(|| max_price(&path))
//!    .named(file name)`, which parses the file and gives its largest
//!    price (or an error naming the line); nothing is read yet;
//! 2. submits all of them as futures and takes the results with
//!    `as_completed`, in the order they finish: a table of the max price per
//!    file, the overall max of the good files, and the failed files with why;
//! 3. shows, for contrast, that computing them all in one value
//!    (`Delayed::collect(..).compute()`) is all or nothing;
//! 4. rewrites the three broken files correctly and resubmits only those.
//!
//! The exit code is 0 when all this went as designed (the three failures are
//! expected) and 1 on anything unexpected (an I/O error, a good file that
//! failed, a wrong maximum).

use ndchunk::delayed::{as_completed, try_delayed, Delayed};
use std::collections::BTreeMap;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

const USAGE: &str = "\
Many CSV files read lazily and in parallel, three of them broken on purpose:
the good results are kept, the bad files reported with the parser's message,
fixed and retried. The files go to a fresh directory under the system's
temporary directory, removed at the end.

usage: delayed_files [--help]

options:
  --help        print this help and exit

exit code: 0 when everything went as designed (the three failures are
expected), 1 on anything unexpected, 2 for a bad command line.";

/// How many files, and prices per file.
const FILES: usize = 40;
const ROWS: usize = 250;

/// The files broken on purpose, and how.
const BROKEN: [(usize, Defect); 3] = [
    (7, Defect::NotANumber),
    (19, Defect::NoHeader),
    (31, Defect::ExtraField),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Defect {
    NotANumber,
    NoHeader,
    ExtraField,
}

impl Defect {
    fn describe(self) -> &'static str {
        match self {
            Defect::NotANumber => "a value that is not a number",
            Defect::NoHeader => "no header line",
            Defect::ExtraField => "a row with an extra field",
        }
    }
}

/// What reading one file gives.
#[derive(Clone, Debug)]
struct FileMax {
    rows: usize,
    max: f64,
}

/// How many files the reads have opened so far, to show they are lazy.
static FILES_OPENED: AtomicUsize = AtomicUsize::new(0);

/// The largest price in a CSV file of one column with a `price` header.
/// Errors name the line; the task's name adds the file.
fn max_price(path: &Path) -> Result<FileMax, String> {
    FILES_OPENED.fetch_add(1, Ordering::SeqCst);
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "price")) => {}
        found => {
            return Err(format!(
                "line 1: expected the header `price`, found `{}` (is the header missing?)",
                found.map_or("", |(_, line)| line)
            ))
        }
    }
    let mut result = FileMax {
        rows: 0,
        max: f64::NEG_INFINITY,
    };
    for (i, line) in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let [field] = fields[..] else {
            return Err(format!(
                "line {}: {} fields, expected 1 (`price`)",
                i + 1,
                fields.len()
            ));
        };
        let price: f64 = field
            .parse()
            .map_err(|_| format!("line {}: `{field}` is not a number", i + 1))?;
        result.rows += 1;
        result.max = result.max.max(price);
    }
    if result.rows == 0 {
        return Err("no prices after the header".to_string());
    }
    Ok(result)
}

/// The delayed read of file `k`: nothing happens until it is computed.
fn read_later(dir: &Path, k: usize) -> Delayed<FileMax> {
    let path = dir.join(file_name(k));
    try_delayed(move || max_price(&path)).named(file_name(k))
}

fn file_name(k: usize) -> String {
    format!("prices_{k:02}.csv")
}

fn main() -> ExitCode {
    // No options but `--help`: anything else is a mistake, not a run.
    if let Some(arg) = std::env::args().nth(1) {
        if arg == "--help" || arg == "-h" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        eprintln!("delayed_files: unknown argument `{arg}`");
        eprintln!("try `delayed_files --help`");
        return ExitCode::from(2);
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("delayed_files: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn Error>> {
    println!("ndchunk delayed reads of many CSV files, some of them broken");
    println!();
    let dir = TempDir::create()?;
    // The largest price written to each file, in cents, to check the reads.
    let mut written = Vec::with_capacity(FILES);
    for k in 0..FILES {
        written.push(write_file(dir.path(), k, defect(k))?);
    }
    println!(
        "wrote {FILES} files of {ROWS} prices to {}",
        dir.path().display()
    );
    println!("broken on purpose:");
    for (k, defect) in BROKEN {
        println!("   {:<16}{}", file_name(k), defect.describe());
    }

    // 1. One lazy read per file.
    println!();
    println!("1. {FILES} delayed reads: try_delayed(move || max_price(&path)).named(file name)");
    let reads: Vec<Delayed<FileMax>> = (0..FILES).map(|k| read_later(dir.path(), k)).collect();
    println!(
        "   built; files opened so far: {}",
        FILES_OPENED.load(Ordering::SeqCst)
    );

    // 2. Submit them all; take each result as it arrives.
    println!();
    println!("2. submitted as futures, results taken with as_completed as they finish");
    let start = Instant::now();
    let futures: Vec<_> = reads.iter().map(|read| read.submit()).collect();
    let mut results: Vec<Option<FileMax>> = vec![None; FILES];
    let mut failures: BTreeMap<usize, String> = BTreeMap::new();
    let mut order = Vec::with_capacity(FILES);
    for (k, name, result) in as_completed(futures) {
        order.push(name);
        match result {
            Ok(file) => results[k] = Some(file),
            Err(e) => {
                failures.insert(k, e.to_string());
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "   {} results in {:.1} ms on {} threads; the first to finish: {}, ...",
        order.len(),
        elapsed * 1e3,
        rayon::current_num_threads(),
        order[..order.len().min(3)].join(", ")
    );
    println!();
    println!("   max price per file");
    print_table(&results);

    let good = results.iter().flatten().count();
    let (best, best_file) = overall_max(&results)
        .ok_or("no file could be read, expected all but the broken ones to work")?;
    println!();
    println!(
        "   {good} files read, {} failed; max over the good ones: {best:.2} ({})",
        failures.len(),
        file_name(best_file)
    );
    println!();
    println!(
        "   failed (each error names the task, that is the file, then gives the parser's message):"
    );
    for why in failures.values() {
        println!("   {why}");
    }
    check_failures(&failures)?;
    check_maxima(&results, &written)?;

    // 3. All or nothing: one compute of everything stops at the first failure.
    println!();
    println!("3. for contrast, Delayed::collect(&reads).compute() is all or nothing");
    println!("   (it reads the files again: a compute keeps no results for the next one)");
    match Delayed::collect(&reads).compute() {
        Ok(all) => {
            return Err(format!(
                "computing all {} reads together succeeded, expected the broken files to fail",
                all.len()
            )
            .into())
        }
        Err(e) => println!("   Err: {e}"),
    }

    // 4. Fix the broken files and retry only them.
    println!();
    println!(
        "4. rewrote the {} failed files correctly and resubmitted only them",
        failures.len()
    );
    for &k in failures.keys() {
        written[k] = write_file(dir.path(), k, None)?;
    }
    let retried: Vec<usize> = failures.keys().copied().collect();
    let futures: Vec<_> = retried
        .iter()
        .map(|&k| read_later(dir.path(), k).submit())
        .collect();
    for (i, name, result) in as_completed(futures) {
        let k = retried[i];
        match result {
            Ok(file) => {
                println!("   {name:<16}{:>9.2}   ok on retry", file.max);
                results[k] = Some(file);
                failures.remove(&k);
            }
            Err(e) => println!("   {name:<16}   still failing: {e}"),
        }
    }
    if !failures.is_empty() {
        return Err(format!("{} files still fail after being fixed", failures.len()).into());
    }
    check_maxima(&results, &written)?;
    let (best, best_file) = overall_max(&results).ok_or("no results after the retry")?;
    let rows: usize = results.iter().flatten().map(|f| f.rows).sum();
    println!();
    println!(
        "   all {FILES} files read ({rows} prices); overall max {best:.2} ({}), as written",
        file_name(best_file)
    );
    println!();
    let path = dir.remove()?;
    println!("removed {}", path.display());
    Ok(())
}

/// How file `k` is broken, if it is.
fn defect(k: usize) -> Option<Defect> {
    BROKEN.iter().find(|(b, _)| *b == k).map(|(_, d)| *d)
}

/// The prices of file `k`, in cents: made up, the same on every run, each
/// file with its own range (from 1.00 up to 101.00 to 1000.99).
fn prices(k: usize) -> Vec<u64> {
    // SplitMix64: a small, well-mixed generator.
    let mut state = k as u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let range = 10_000 + next() % 90_000;
    (0..ROWS).map(|_| 100 + next() % range).collect()
}

/// Write file `k` (broken as `defect` says); its largest price in cents.
fn write_file(dir: &Path, k: usize, defect: Option<Defect>) -> Result<u64, Box<dyn Error>> {
    let prices = prices(k);
    let mut text = String::new();
    if defect != Some(Defect::NoHeader) {
        text.push_str("price\n");
    }
    for (row, cents) in prices.iter().enumerate() {
        let price = format!("{}.{:02}", cents / 100, cents % 100);
        match defect {
            // A typo: the letter O for a zero.
            Some(Defect::NotANumber) if row == 57 => text.push_str("12O.50"),
            Some(Defect::ExtraField) if row == 120 => text.push_str(&format!("{price},USD")),
            _ => text.push_str(&price),
        }
        text.push('\n');
    }
    let path = dir.join(file_name(k));
    fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(prices.iter().copied().max().unwrap_or(0))
}

/// The largest maximum and its file.
fn overall_max(results: &[Option<FileMax>]) -> Option<(f64, usize)> {
    results
        .iter()
        .enumerate()
        .filter_map(|(k, r)| r.as_ref().map(|r| (r.max, k)))
        .max_by(|a, b| a.0.total_cmp(&b.0))
}

/// The files and maxima in three columns, down then across.
fn print_table(results: &[Option<FileMax>]) {
    const COLUMNS: usize = 3;
    let lines = results.len().div_ceil(COLUMNS);
    for line in 0..lines {
        let mut text = String::from("  ");
        for column in 0..COLUMNS {
            let k = column * lines + line;
            let Some(result) = results.get(k) else {
                continue;
            };
            let value = match result {
                Some(file) => format!("{:.2}", file.max),
                None => "failed".to_string(),
            };
            text.push_str(&format!(" {:<15}{value:>8}   ", file_name(k)));
        }
        println!("{}", text.trim_end());
    }
}

/// Exactly the broken files failed, with their file name in the message.
fn check_failures(failures: &BTreeMap<usize, String>) -> Result<(), Box<dyn Error>> {
    let expected: Vec<String> = BROKEN.iter().map(|(k, _)| file_name(*k)).collect();
    let got: Vec<String> = failures.keys().map(|k| file_name(*k)).collect();
    if got != expected {
        return Err(format!(
            "unexpected failures: {} failed, expected {} to fail",
            got.join(", "),
            expected.join(", ")
        )
        .into());
    }
    for (k, why) in failures {
        if !why.contains(&file_name(*k)) {
            return Err(format!("the error for {} does not name it: {why}", file_name(*k)).into());
        }
    }
    Ok(())
}

/// Every file read has the largest price that was written to it.
fn check_maxima(results: &[Option<FileMax>], written: &[u64]) -> Result<(), Box<dyn Error>> {
    for (k, (result, &cents)) in results.iter().zip(written).enumerate() {
        if let Some(file) = result {
            if (file.max * 100.0).round() != cents as f64 || file.rows != ROWS {
                return Err(format!(
                    "{}: read max {:.2} over {} rows, but {}.{:02} over {ROWS} rows was written",
                    file_name(k),
                    file.max,
                    file.rows,
                    cents / 100,
                    cents % 100
                )
                .into());
            }
        }
    }
    Ok(())
}

/// A fresh directory under the system's temporary directory, named with the
/// process id, removed when dropped (also on an early error return).
struct TempDir(PathBuf);

impl TempDir {
    fn create() -> Result<TempDir, Box<dyn Error>> {
        let path =
            std::env::temp_dir().join(format!("ndchunk-delayed-files-{}", std::process::id()));
        // Left over by an earlier process with the same id: start afresh.
        if path.exists() {
            fs::remove_dir_all(&path)
                .map_err(|e| format!("cannot clear {}: {e}", path.display()))?;
        }
        fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Remove the directory now; its path.
    fn remove(mut self) -> Result<PathBuf, Box<dyn Error>> {
        let path = std::mem::take(&mut self.0); // nothing left for `drop`
        fs::remove_dir_all(&path).map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if self.0.as_os_str().is_empty() {
            return;
        }
        if let Err(e) = fs::remove_dir_all(&self.0) {
            eprintln!("delayed_files: could not remove {}: {e}", self.0.display());
        }
    }
}

//! Standard output for every command's text: the one place that decides what happens when
//! the reader goes away (`newswatch alerts | head -1`). Rust ignores SIGPIPE, so a plain
//! `println!` would panic there; instead the command ends at once, quietly, with status 0
//! (the reader took what it wanted). Any other write error ends it with status 1 and the
//! reason. `clippy::print_stdout` is denied in `cli`, so every line goes through here.

use std::fmt;
use std::io::Write;

/// Prints a formatted line on stdout, like `println!` (see the module doc for a closed pipe).
macro_rules! outln {
    () => {
        $crate::cli::output::write(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints formatted text on stdout, like `print!` (see the module doc for a closed pipe).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write(format_args!($($arg)*))
    };
}

/// Writes `text` to stdout; a closed pipe or another failure ends the process.
pub fn write(text: fmt::Arguments) {
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout.write_fmt(text) {
        stop(&err);
    }
}

/// Ends the process after a failed write to stdout: quietly with status 0 when the reader
/// closed the pipe, else with status 1 and the reason.
pub fn stop(err: &std::io::Error) -> ! {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to standard output: {err}");
    std::process::exit(1);
}

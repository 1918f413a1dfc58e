//! The `discogen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use discogen::output::{self, Written};
use discogen::Selection;

#[derive(Parser)]
#[command(
    name = "discogen",
    version,
    about = "Generates Rust client crates from Google API Discovery documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the crate and write it to the output directory.
    Generate(Target),
    /// Regenerate in memory and list every file on disk that differs, is missing or is extra;
    /// exits 1 if any. Writes nothing.
    Check(Target),
}

#[derive(Args)]
struct Target {
    /// The discovery document.
    #[arg(default_value = "discovery/networkconnectivity.v1.json")]
    doc: PathBuf,
    /// The directory of the generated crate.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Generate only this resource (a dotted path in the document's resource tree, such as
    /// `projects.locations.operations`) and what it reaches; repeatable. Default: every
    /// resource of the document.
    #[arg(long = "resource", value_name = "PATH")]
    resources: Vec<String>,
    /// Generate every resource of the document (the default; kept for scripts that say it).
    #[arg(long, conflicts_with = "resources")]
    all_resources: bool,
}

impl Target {
    fn generate(&self) -> Result<discogen::Generated, discogen::Error> {
        let generated = self.generate_unchecked()?;
        if generated.layout == discogen::layout::Layout::PrettypleaseOnly {
            eprintln!(
                "warning: rustfmt could not be run (install it with `rustup component add \
                 rustfmt`, or point $RUSTFMT at it); the Rust files are laid out by prettyplease \
                 only, so they are not rustfmt-clean and differ from the committed crate"
            );
        }
        Ok(generated)
    }

    fn generate_unchecked(&self) -> Result<discogen::Generated, discogen::Error> {
        let resources = if self.all_resources {
            Vec::new()
        } else {
            self.resources.clone()
        };
        let selection = Selection { resources };
        discogen::generate(&self.doc, &selection)
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, discogen::Error> {
    match cli.command {
        Command::Generate(target) => {
            let generated = target.generate()?;
            let report = output::write(&target.out, &generated.files)?;
            let mut unchanged = 0;
            for entry in &report {
                let shown = |p: &str| target.out.join(p).display().to_string();
                match entry {
                    Written::Created(p) => println!("created   {}", shown(p)),
                    Written::Updated(p) => println!("updated   {}", shown(p)),
                    Written::Removed(p) => println!("removed   {}", shown(p)),
                    Written::Unchanged(_) => unchanged += 1,
                }
            }
            println!(
                "{} files in {} ({} unchanged)",
                generated.files.len(),
                target.out.display(),
                unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(target) => {
            let generated = target.generate()?;
            let differences = output::check(&target.out, &generated.files)?;
            if differences.is_empty() {
                println!(
                    "{} is up to date ({} files)",
                    target.out.display(),
                    generated.files.len()
                );
                return Ok(ExitCode::SUCCESS);
            }
            for difference in &differences {
                println!("{difference}");
            }
            println!(
                "{} is stale: {} file(s) differ; run `cargo run -p discogen -- generate` to update it",
                target.out.display(),
                differences.len()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

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
    /// Download the newest discovery document from the Discovery service and replace the
    /// vendored copy, only if the download is a valid document of that API.
    Fetch(FetchArgs),
    /// Compare two discovery documents: every change to resources, methods, parameters,
    /// schemas, properties, enum values and scopes, classified as breaking or additive for the
    /// generated crate's users.
    Diff(DiffArgs),
}

#[derive(Args)]
struct FetchArgs {
    /// The API's name (default: the `name` of the current document).
    api: Option<String>,
    /// The API's version (default: the `version` of the current document).
    version: Option<String>,
    /// The vendored document to replace.
    #[arg(long, default_value = "discovery/networkconnectivity.v1.json")]
    doc: PathBuf,
    /// The Discovery service's root URL.
    #[arg(long, env = "DISCOGEN_DISCOVERY_URL", default_value = discogen::fetch::DEFAULT_BASE_URL)]
    base_url: String,
}

#[derive(Args)]
struct DiffArgs {
    /// The older document.
    old: PathBuf,
    /// The newer document.
    new: PathBuf,
    /// Output: grouped text for a terminal, JSON for tools, Markdown for a changelog or a pull
    /// request.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with status 2 when there are changes of this kind (for CI).
    #[arg(long, value_enum, value_name = "KIND")]
    fail_on: Option<FailOn>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Markdown,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    /// Breaking changes only.
    Breaking,
    /// Any change.
    Any,
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
        let generated = self.generate_quietly()?;
        if generated.layout == discogen::layout::Layout::PrettypleaseOnly {
            eprintln!(
                "warning: rustfmt could not be run (install it with `rustup component add \
                 rustfmt`, or point $RUSTFMT at it); the Rust files are laid out by prettyplease \
                 only, so they are not rustfmt-clean and differ from the committed crate"
            );
        }
        Ok(generated)
    }

    fn generate_quietly(&self) -> Result<discogen::Generated, discogen::Error> {
        let resources = if self.all_resources {
            Vec::new()
        } else {
            self.resources.clone()
        };
        let selection = Selection { resources };
        let previous = discogen::history::Previous::read(&self.out);
        discogen::generate_after(&self.doc, &selection, Some(&previous))
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
        Command::Fetch(args) => {
            let current = discogen::discovery::load(&args.doc).ok();
            let api = args
                .api
                .or_else(|| current.as_ref().map(|d| d.name.clone()));
            let version = args
                .version
                .or_else(|| current.as_ref().map(|d| d.version.clone()));
            let (Some(api), Some(version)) = (api, version) else {
                eprintln!(
                    "error: {} is missing or unreadable, so it cannot say which API to fetch; \
                     name it: discogen fetch API VERSION --doc {}",
                    args.doc.display(),
                    args.doc.display()
                );
                return Ok(ExitCode::FAILURE);
            };
            let fetched = discogen::fetch::fetch(&args.base_url, &api, &version, &args.doc)?;
            match (&fetched.previous_revision, fetched.unchanged) {
                (_, true) => println!(
                    "{} is already the published document (revision {})",
                    fetched.path.display(),
                    fetched.revision
                ),
                (Some(previous), false) => println!(
                    "{}: revision {previous} -> {} from {}; next: discogen diff, then discogen generate",
                    fetched.path.display(),
                    fetched.revision,
                    fetched.url
                ),
                (None, false) => println!(
                    "{}: revision {} from {}",
                    fetched.path.display(),
                    fetched.revision,
                    fetched.url
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => {
            let old = discogen::surface::Surface::of(&discogen::discovery::load(&args.old)?);
            let new = discogen::surface::Surface::of(&discogen::discovery::load(&args.new)?);
            let diff = discogen::diff::Diff::between(&old, &new);
            print!(
                "{}",
                match args.format {
                    Format::Human => diff.human(),
                    Format::Json => diff.json(),
                    Format::Markdown => diff.markdown(),
                }
            );
            let fail = match args.fail_on {
                Some(FailOn::Breaking) => diff.count(discogen::diff::Impact::Breaking) > 0,
                Some(FailOn::Any) => !diff.is_empty(),
                None => false,
            };
            Ok(if fail {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Generate(target) => {
            let generated = target.generate()?;
            let report = output::write(&target.out, &generated.files)?;
            if let Some(diff) = &generated.diff {
                if diff.is_empty() && diff.old_revision == diff.new_revision {
                    println!(
                        "API unchanged since the last generation (revision {})",
                        diff.new_revision
                    );
                } else {
                    println!(
                        "API changes since revision {}: {} breaking, {} additive ({}); version {}; \
                         details: discogen diff OLD NEW, or {}/CHANGELOG.md",
                        diff.old_revision,
                        diff.count(discogen::diff::Impact::Breaking),
                        diff.count(discogen::diff::Impact::Additive),
                        discogen::diff::summary(diff),
                        generated.version,
                        target.out.display(),
                    );
                }
            }
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

//! The `discogen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use discogen::output::{self, Written};
use discogen::{Runtime, Selection};

/// Prints a line to standard output. A reader that goes away (`discogen diff ... | head`) ends
/// the program quietly instead of panicking, as Unix tools do.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(error) = writeln!(std::io::stdout(), $($arg)*) {
            if error.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: cannot write to standard output: {error}");
            std::process::exit(1);
        }
    }};
}

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
    /// Record the provenance of a document copied into place by hand (revision, source, sha256
    /// in the table of the README beside it), after checking it is a discovery document.
    Record(RecordArgs),
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
struct RecordArgs {
    /// The document.
    #[arg(default_value = "discovery/networkconnectivity.v1.json")]
    doc: PathBuf,
    /// Where it comes from (`PyPI google-api-python-client==2.203.0`...).
    #[arg(long)]
    source: String,
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
    /// How the crate depends on discogen-runtime: `path` (to this workspace's runtime crate,
    /// the default when it exists), `version` (a version requirement, for crates used
    /// elsewhere; the default otherwise) or `vendor` (a private copy inside the crate).
    #[arg(long, value_enum)]
    runtime: Option<RuntimeKind>,
    /// Write even over the crate of another API (by default `generate` refuses, naming both).
    #[arg(long)]
    replace: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RuntimeKind {
    Path,
    Version,
    Vendor,
}

impl Target {
    /// Generates the crate over `previous`, what the last generation left in the output
    /// directory.
    fn generate(
        &self,
        previous: &discogen::history::Previous,
    ) -> Result<discogen::Generated, discogen::Error> {
        let generated = self.generate_quietly(previous)?;
        if generated.layout == discogen::layout::Layout::PrettypleaseOnly {
            eprintln!(
                "warning: rustfmt could not be run (install it with `rustup component add \
                 rustfmt`, or point $RUSTFMT at it); the Rust files are laid out by prettyplease \
                 only, so they are not rustfmt-clean and differ from the committed crate"
            );
        }
        Ok(generated)
    }

    fn generate_quietly(
        &self,
        previous: &discogen::history::Previous,
    ) -> Result<discogen::Generated, discogen::Error> {
        let resources = if self.all_resources {
            Vec::new()
        } else {
            self.resources.clone()
        };
        let runtime = match self.runtime {
            None => Runtime::default_for(&self.out),
            Some(RuntimeKind::Vendor) => Runtime::Vendor,
            Some(RuntimeKind::Version) => {
                Runtime::Version(discogen::runtime::RUNTIME_VERSION.to_string())
            }
            Some(RuntimeKind::Path) => match Runtime::workspace_crate_for(&self.out) {
                Some(dir) => Runtime::path_from(&self.out, &dir),
                None => {
                    return Err(discogen::Error::Invalid {
                        file: "--runtime path".to_string(),
                        pointer: "/".to_string(),
                        message: "this discogen was not built from a workspace that still has                                   its runtime crate; use --runtime version or vendor"
                            .to_string(),
                    })
                }
            },
        };
        let options = discogen::Options {
            selection: Selection { resources },
            runtime,
            rustfmt: true,
        };
        let generated = discogen::generate(&self.doc, &options, Some(previous))?;
        for warning in &generated.warnings {
            eprintln!("warning: {}: {warning}", self.doc.display());
        }
        Ok(generated)
    }
}

/// One line on what changed since the last generation: the Rust API (which decides the
/// version) and the document (which explains it).
fn summary(generated: &discogen::Generated, out: &std::path::Path) -> String {
    let api = match &generated.api_changes {
        Some(changes) if changes.is_empty() => "Rust API unchanged".to_string(),
        Some(changes) => format!(
            "Rust API: {} breaking, {} additive",
            changes.breaking.len(),
            changes.additive.len()
        ),
        None => "first generation (or no recorded Rust API)".to_string(),
    };
    let document = match &generated.diff {
        Some(diff) if diff.is_empty() && diff.old_revision == diff.new_revision => {
            format!("document unchanged (revision {})", diff.new_revision)
        }
        Some(diff) => format!(
            "document revision {} -> {}: {} breaking, {} additive ({})",
            diff.old_revision,
            diff.new_revision,
            diff.count(discogen::diff::Impact::Breaking),
            diff.count(discogen::diff::Impact::Additive),
            discogen::diff::summary(diff)
        ),
        None => format!("revision {}", generated.revision),
    };
    let changelog = out.join(discogen::history::CHANGELOG_FILE);
    let changelog = match generated.new_release {
        true => format!("details in {}", changelog.display()),
        false => format!("no new entry in {}", changelog.display()),
    };
    format!(
        "{api}; {document}; version {}; {changelog}",
        generated.version
    )
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
                (_, true) => say!(
                    "{} is already the published document (revision {})",
                    fetched.path.display(),
                    fetched.revision
                ),
                (Some(previous), false) => say!(
                    "{}: revision {previous} -> {} from {}; next: discogen diff, then discogen generate",
                    fetched.path.display(),
                    fetched.revision,
                    fetched.url
                ),
                (None, false) => say!(
                    "{}: revision {} from {}",
                    fetched.path.display(),
                    fetched.revision,
                    fetched.url
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Record(args) => {
            let recorded = discogen::fetch::record(&args.doc, &args.source)?;
            say!(
                "{}: revision {}, sha256 {} recorded in {}",
                args.doc.display(),
                recorded.revision,
                recorded.sha256,
                args.doc.with_file_name("README.md").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => {
            let old = discogen::surface::Surface::of(&discogen::discovery::load(&args.old)?);
            let new = discogen::surface::Surface::of(&discogen::discovery::load(&args.new)?);
            if (&old.name, &old.version) != (&new.name, &new.version) {
                eprintln!(
                    "error: {} is {} {} and {} is {} {}: two different APIs, whose diff would \
                     say nothing useful",
                    args.old.display(),
                    old.name,
                    old.version,
                    args.new.display(),
                    new.name,
                    new.version
                );
                return Ok(ExitCode::FAILURE);
            }
            let diff = discogen::diff::Diff::between(&old, &new);
            let text = match args.format {
                Format::Human => diff.human(),
                Format::Json => diff.json(),
                Format::Markdown => diff.markdown(),
            };
            say!("{}", text.trim_end_matches('\n'));
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
            let previous = discogen::history::Previous::read(&target.out);
            let generated = target.generate(&previous)?;
            match discogen::history::overwrite(
                &previous,
                &generated.crate_name,
                &generated.revision,
            ) {
                discogen::history::Overwrite::OtherApi(old, new) if !target.replace => {
                    eprintln!(
                        "error: {} holds the crate {old}, not {new}: generating would replace \
                         another API's crate. Choose another --out, or say --replace.",
                        target.out.display()
                    );
                    return Ok(ExitCode::FAILURE);
                }
                discogen::history::Overwrite::OlderRevision(old, new) => eprintln!(
                    "warning: revision {new} is older than revision {old}, which {} was \
                     generated from: the crate goes back in time (its version still goes up)",
                    target.out.display()
                ),
                _ => {}
            }
            let report = output::write(&target.out, &generated.files)?;
            say!("{}", summary(&generated, &target.out));
            let mut unchanged = 0;
            for entry in &report {
                let shown = |p: &str| target.out.join(p).display().to_string();
                match entry {
                    Written::Created(p) => say!("created   {}", shown(p)),
                    Written::Updated(p) => say!("updated   {}", shown(p)),
                    Written::Removed(p) => say!("removed   {}", shown(p)),
                    Written::Unchanged(_) => unchanged += 1,
                }
            }
            say!(
                "{} files in {} ({} unchanged)",
                generated.files.len(),
                target.out.display(),
                unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(target) => {
            let generated = target.generate(&discogen::history::Previous::read(&target.out))?;
            let differences = output::check(&target.out, &generated.files)?;
            if differences.is_empty() {
                say!(
                    "{} is up to date ({} files)",
                    target.out.display(),
                    generated.files.len()
                );
                return Ok(ExitCode::SUCCESS);
            }
            for difference in &differences {
                say!("{difference}");
            }
            say!(
                "{} is stale: {} file(s) differ; run `cargo run -p discogen -- generate` to update it",
                target.out.display(),
                differences.len()
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

//! `sealbill`: create identities, seal invoices, open and verify them, and decrypt any age
//! file, for scripts and long-term archives.

#![forbid(unsafe_code)]

mod backup;
mod contacts;
mod failure;
mod inputs;
mod interrupt;
mod invoice;
mod link;
mod passphrase;
mod payment;
mod seen;
mod staging;
mod team;
mod timefmt;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sealbill::{age, DocumentInfo, Fingerprint, Identity, Opener, SealOptions, Sealer};

use failure::Failure;

/// Output buffers hold about two age STREAM chunks.
const PIECE: usize = inputs::PIECE;

#[derive(Parser)]
#[command(
    name = "sealbill",
    version,
    about = "End-to-end encrypted, signed invoices in age v1 envelopes"
)]
struct Cli {
    /// The address book (default: $SEALBILL_CONTACTS, else
    /// $XDG_CONFIG_HOME/sealbill/contacts.txt, else ~/.config/sealbill/contacts.txt).
    #[arg(long, global = true, value_name = "FILE")]
    contacts: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new identity file and print its public card and fingerprint.
    Keygen {
        /// Display name on the public card (your business name).
        #[arg(long, default_value = "sealbill user")]
        name: String,
        /// Where to write the identity file (it is never overwritten).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the public card of an identity file.
    Card {
        /// The identity file.
        #[arg(short, long)]
        identity: PathBuf,
    },
    /// Sign an invoice (and attachments) and encrypt it to recipients and to yourself.
    Seal {
        /// Your sealbill identity file.
        #[arg(short, long)]
        identity: PathBuf,
        /// A recipient: an age1… key, a sealbill-card:… card, a file holding either, or the
        /// name or fingerprint of a contact in the address book.
        #[arg(long = "to", required = true)]
        to: Vec<String>,
        /// A file to attach after the invoice (repeatable).
        #[arg(long)]
        attach: Vec<PathBuf>,
        /// Write ASCII armor instead of binary.
        #[arg(short, long)]
        armor: bool,
        /// The envelope's invoice id (default: the invoice number, BT-1).
        #[arg(long)]
        id: Option<String>,
        /// Send for a team: the membership file the owner gave you. The envelope carries it,
        /// is also sealed to the team's archive, and may name only the owner's bank accounts.
        /// The owner's own membership is taken from the team directory ($SEALBILL_TEAM, else
        /// the default place) when that team is the sender's.
        #[arg(long, value_name = "FILE")]
        membership: Option<PathBuf>,
        /// The invoice: a JSON invoice object (built into UBL) or a UBL 2.1 XML file (sealed as
        /// it is). Either must pass the EN 16931 and Peppol BIS 3 rules.
        invoice: PathBuf,
        /// Where to write the envelope.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Decrypt and verify an envelope, and write its documents into a directory.
    Open {
        /// Your identity file (sealbill or plain age).
        #[arg(short, long, required_unless_present = "link")]
        identity: Option<PathBuf>,
        /// Open with a link instead of an identity (the link the sender sent, `…/#<id>.<secret>`,
        /// with the envelope fetched from its relay): `-` reads it from standard input, a
        /// file holds it on its first line, else the value is the link itself (which other
        /// users of this machine may see in the process list). A link with a passphrase
        /// reads it from --passphrase-file, SEALBILL_PASSPHRASE or the terminal.
        #[arg(long, value_name = "LINK", conflicts_with_all = ["identity", "archive_key"])]
        link: Option<String>,
        /// The passphrase of a link that has one, on the file's first line.
        #[arg(long, value_name = "FILE", requires = "link")]
        passphrase_file: Option<PathBuf>,
        /// Refuse the envelope unless it comes from this business: the fingerprint of its
        /// signer, or of the team owner whose member signed it.
        #[arg(long, value_name = "FINGERPRINT")]
        expect_sender: Option<String>,
        /// The envelope.
        file: PathBuf,
        /// The directory for the documents (created if needed; files are never overwritten).
        #[arg(short, long)]
        output: PathBuf,
        /// Also write the invoice as CII (Factur-X / ZUGFeRD XML), as NAME.cii.xml.
        #[arg(long)]
        cii: bool,
        /// Open even though the sender's name looks like a contact's that has another key
        /// (only after asking that contact whether their key really changed).
        #[arg(long)]
        accept_changed_key: bool,
        /// Read the team archive: an archive-key file sealed to your identity (repeatable, one
        /// per archive epoch, as the relay or the owner's team directory holds them). The
        /// envelope is opened with these keys instead of your own, and must be sealed to the
        /// archive key its own owner-signed membership names.
        #[arg(long, value_name = "FILE")]
        archive_key: Vec<PathBuf>,
    },
    /// The address book: known senders and clients, and whether you verified them.
    Contacts {
        #[command(subcommand)]
        command: ContactsCommand,
    },
    /// A full encrypted backup: identity, address book and envelopes in one file, locked
    /// under a passphrase (from --passphrase-file, SEALBILL_PASSPHRASE or the terminal).
    Backup {
        #[command(subcommand)]
        command: BackupCommand,
    },
    /// A business's team: the owner invites billers and accountants, signs the team roster
    /// and seals the archive key to every member (the owner's files: --team DIR, else
    /// $SEALBILL_TEAM, else $XDG_CONFIG_HOME/sealbill/team, else ~/.config/sealbill/team).
    Team {
        /// The owner's team directory.
        #[arg(long, global = true, value_name = "DIR")]
        team: Option<PathBuf>,
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Work with EN 16931 invoices without sealing them.
    Invoice {
        #[command(subcommand)]
        command: InvoiceCommand,
    },
    /// Decrypt any age v1 file with X25519 recipients, like `age -d -i`.
    Decrypt {
        /// An identity file: sealbill, or plain age `AGE-SECRET-KEY-1…` lines (repeatable).
        #[arg(short, long, required = true)]
        identity: Vec<PathBuf>,
        /// Write the plaintext to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The age file (default: standard input).
        input: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ContactsCommand {
    /// Add a contact from its card (or update its card and local name if its keys are known).
    Add {
        /// A sealbill-card:… card, or a file holding one (such as the output of `sealbill card`).
        card: String,
        /// Your own name for the contact (default: the name on its card).
        #[arg(long)]
        name: Option<String>,
    },
    /// List the contacts: state, date added, fingerprint and name.
    List,
    /// Mark a contact verified, once its fingerprint was compared out of band (read aloud on
    /// the phone); prints the fingerprint to compare.
    Verify {
        /// The contact's name, or its fingerprint (which both finds and checks it).
        contact: String,
    },
    /// Remove a contact.
    Remove {
        /// The contact's name or fingerprint.
        contact: String,
    },
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Write a backup of an identity, the address book and a directory of envelopes.
    Create {
        /// Your sealbill identity file.
        #[arg(short, long)]
        identity: PathBuf,
        /// A directory of envelopes to include (every file in it, not its subdirectories).
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// Read the backup passphrase from the first line of this file.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        /// The backup file to write (never overwritten).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Verify a whole backup, then restore it into a new or empty directory.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Read the backup passphrase from the first line of this file.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        /// The directory to restore into: identity.txt, envelopes/, records/, contacts/…
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Verify a whole backup and list its identity and entries (kind, size, name).
    Inspect {
        /// The backup file.
        file: PathBuf,
        /// Read the backup passphrase from the first line of this file.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum TeamCommand {
    /// (Owner) Invite a member: prints an invitation to send them, and your fingerprint to
    /// read to them.
    Invite {
        /// The owner's identity file: the business.
        #[arg(short, long)]
        identity: PathBuf,
        /// The member's role: biller (sends invoices) or accountant (reads the archive).
        #[arg(long, value_parser = ["biller", "accountant"])]
        role: String,
    },
    /// Accept an invitation (as the member: shows the business to compare and prints the join
    /// request for the owner) or a join request (as the owner: adds the member to the roster
    /// once their fingerprint is confirmed).
    Accept {
        /// Your identity file: the member's for an invitation, the owner's for a join request.
        #[arg(short, long)]
        identity: PathBuf,
        /// (Owner) The member's fingerprint as the member read it to you; without it, asks on
        /// the terminal.
        #[arg(long, value_name = "FINGERPRINT")]
        fingerprint: Option<String>,
        /// (Owner) A bank account (IBAN) invoices may name; repeatable, replaces the list.
        /// Kept from the previous roster when not given.
        #[arg(long = "account", value_name = "IBAN")]
        accounts: Vec<String>,
        /// A sealbill-team-invitation:… or sealbill-team-join:… text, or a file holding one.
        offer: String,
    },
    /// List the team roster: version, bank accounts, archive epoch and every member.
    List,
    /// (Owner) Remove a member: signs the next roster without them and rotates the archive key.
    Remove {
        /// The owner's identity file.
        #[arg(short, long)]
        identity: PathBuf,
        /// The member's fingerprint (or a name only one member has).
        member: String,
    },
    /// (Owner) Change roles or the bank accounts in a new signed roster version, or print the
    /// roster; with --out, write the files the page publishes to the relay (roster.bin,
    /// memberships/*.bin, archive-keys/N.age).
    Roster {
        /// The owner's identity file.
        #[arg(short, long)]
        identity: PathBuf,
        /// Give a member another role: FINGERPRINT=biller or FINGERPRINT=accountant
        /// (repeatable).
        #[arg(long = "role", value_name = "FINGERPRINT=ROLE")]
        roles: Vec<String>,
        /// The bank accounts (IBANs) invoices may name: repeatable, replaces the list. Only
        /// the owner changes them.
        #[arg(long = "account", value_name = "IBAN")]
        accounts: Vec<String>,
        /// Take in a roster signed elsewhere (such as on the page): it must be newer than the
        /// one here.
        #[arg(long, value_name = "FILE")]
        import: Option<PathBuf>,
        /// Write the roster, the memberships and the archive-key files into this directory,
        /// for the page to publish (POST /api/v1/rosters, /api/v1/rosters/memberships,
        /// /api/v1/rosters/archive-keys?epoch=N); this tool has no HTTP client.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum InvoiceCommand {
    /// Check a JSON invoice or a UBL/CII file against the rules of its profile (EN 16931, plus
    /// Peppol BIS 3 or XRechnung) and list every problem with its rule id (exit status 1 when
    /// one is fatal).
    Check {
        /// The rules to check against: peppol, xrechnung or en16931 (default: the profile the
        /// invoice claims, Peppol BIS 3 for a JSON invoice that claims none).
        #[arg(long, value_name = "PROFILE", value_parser = parse_profile)]
        profile: Option<sealbill_invoice::Profile>,
        /// The invoice file.
        file: PathBuf,
    },
    /// Convert an invoice between the JSON invoice object, UBL 2.1 and CII D16B, refusing any
    /// conversion that would lose a business term.
    Convert {
        /// The target: json, ubl or cii.
        #[arg(long, value_name = "FORMAT", value_parser = ["json", "ubl", "cii"])]
        to: String,
        /// The invoice: JSON, UBL or CII.
        input: PathBuf,
        /// Where to write it (a new file).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

/// A profile name on the command line.
fn parse_profile(name: &str) -> Result<sealbill_invoice::Profile, String> {
    sealbill_invoice::Profile::from_name(name).ok_or_else(|| {
        format!("{name:?} is not a profile; use peppol (Peppol BIS 3), xrechnung (XRechnung 3.0) or en16931 (plain EN 16931)")
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    interrupt::install();
    match run(cli.command, cli.contacts.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("sealbill: {failure}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, book: Option<&Path>) -> Result<(), Failure> {
    match command {
        Command::Keygen { name, output } => keygen(&name, &output),
        Command::Card { identity } => {
            let identity = inputs::read_identity(&identity)?;
            print_card(&identity);
            Ok(())
        }
        Command::Seal {
            identity,
            to,
            attach,
            armor,
            id,
            membership,
            invoice,
            output,
        } => seal(
            &identity,
            &to,
            book,
            &attach,
            armor,
            SealAs {
                id,
                membership: membership.as_deref(),
            },
            &invoice,
            &output,
        ),
        Command::Open {
            identity,
            link,
            passphrase_file,
            expect_sender,
            file,
            output,
            cii,
            accept_changed_key,
            archive_key,
        } => open(
            reader(identity, link.as_deref(), passphrase_file.as_deref())?,
            expect_sender,
            &file,
            &output,
            OpenChecks {
                book,
                accept_changed_key,
                cii,
                archive_keys: &archive_key,
            },
        ),
        Command::Contacts { command } => {
            let book = contacts::require_location(book)?;
            match command {
                ContactsCommand::Add { card, name } => contacts::add(&book, &card, name.as_deref()),
                ContactsCommand::List => contacts::list(&book),
                ContactsCommand::Verify { contact } => contacts::verify(&book, &contact),
                ContactsCommand::Remove { contact } => contacts::remove(&book, &contact),
            }
        }
        Command::Backup { command } => match command {
            BackupCommand::Create {
                identity,
                archive,
                passphrase_file,
                output,
            } => {
                let passphrase =
                    passphrase::read(passphrase_file.as_deref(), passphrase::Use::NewBackup)?;
                backup::create(&identity, book, archive.as_deref(), &passphrase, &output)
            }
            BackupCommand::Restore {
                file,
                passphrase_file,
                output,
            } => backup::restore(
                &file,
                passphrase::read(passphrase_file.as_deref(), passphrase::Use::OpenBackup)?,
                &output,
            ),
            BackupCommand::Inspect {
                file,
                passphrase_file,
            } => backup::inspect(
                &file,
                passphrase::read(passphrase_file.as_deref(), passphrase::Use::OpenBackup)?,
            ),
        },
        Command::Team { team, command } => run_team(command, team.as_deref()),
        Command::Invoice {
            command: InvoiceCommand::Check { profile, file },
        } => invoice::check(&file, profile),
        Command::Invoice {
            command: InvoiceCommand::Convert { to, input, output },
        } => invoice::convert(&input, &to, &output),
        Command::Decrypt {
            identity,
            output,
            input,
        } => decrypt(&identity, output.as_deref(), input.as_deref()),
    }
}

fn run_team(command: TeamCommand, dir: Option<&Path>) -> Result<(), Failure> {
    match command {
        TeamCommand::Invite { identity, role } => team::invite(&identity, &role),
        TeamCommand::Accept {
            identity,
            fingerprint,
            accounts,
            offer,
        } => team::accept(
            &identity,
            dir,
            &offer,
            &team::Confirmation {
                fingerprint: fingerprint.as_deref(),
                accounts: &accounts,
            },
        ),
        TeamCommand::List => team::list(dir),
        TeamCommand::Remove { identity, member } => team::remove(&identity, dir, &member),
        TeamCommand::Roster {
            identity,
            roles,
            accounts,
            import,
            out,
        } => team::roster(
            &identity,
            dir,
            &team::RosterChanges {
                roles: &roles,
                accounts: &accounts,
                import: import.as_deref(),
                out: out.as_deref(),
            },
        ),
    }
}

fn print_card(identity: &Identity) {
    println!("name: {}", identity.name());
    println!("fingerprint: {}", identity.fingerprint());
    println!("recipient: {}", identity.recipient());
    println!("card: {}", identity.card().to_text());
}

fn keygen(name: &str, output: &Path) -> Result<(), Failure> {
    let identity = Identity::generate(name)?;
    staging::write_new(output, identity.to_text().as_bytes())?;
    eprintln!(
        "Wrote identity to {}. Keep it secret and back it up.",
        output.display()
    );
    print_card(&identity);
    Ok(())
}

/// The recipients of `--to` values: keys, cards and files, or contacts of the address book.
fn recipients(to: &[String], book: Option<&Path>) -> Result<Vec<age::Recipient>, Failure> {
    let mut loaded: Option<contacts::Book> = None;
    let mut recipients = Vec::with_capacity(to.len());
    for arg in to {
        if inputs::is_key_card_or_file(arg) {
            recipients.push(inputs::parse_recipient(arg)?);
            continue;
        }
        let book = match &mut loaded {
            Some(book) => book,
            None => {
                let path = contacts::location(book).ok_or_else(|| {
                    Failure::new(format!(
                        "{arg}: not an age1 recipient, a sealbill card, a file, or a contact \
                         (no address book: pass --contacts FILE or set SEALBILL_CONTACTS)"
                    ))
                })?;
                loaded.insert(contacts::Book::load(&path)?)
            }
        };
        let contact = book.find(arg).map_err(|e| {
            Failure::new(format!(
                "--to {arg:?} is not an age1 recipient, a sealbill card or a file, and {e}"
            ))
        })?;
        if !contact.verified {
            eprintln!(
                "note: sealing to {} ({}), a contact not verified yet.",
                contact.describe(),
                contact.card.fingerprint()
            );
        }
        recipients.push(contact.card.recipient());
    }
    Ok(recipients)
}

/// Whom and what an envelope is sealed as.
struct SealAs<'a> {
    /// `--id`: the envelope's invoice id.
    id: Option<String>,
    /// `--membership`: the team membership to send with.
    membership: Option<&'a Path>,
}

#[allow(clippy::too_many_arguments)]
fn seal(
    identity: &Path,
    to: &[String],
    book: Option<&Path>,
    attach: &[PathBuf],
    armor: bool,
    seal_as: SealAs<'_>,
    invoice: &Path,
    output: &Path,
) -> Result<(), Failure> {
    let sender = inputs::read_identity(identity)?;
    let issued_at = timefmt::now();
    let membership = match seal_as.membership {
        Some(path) => Some(team::read_membership(path)?),
        None => team::own_membership(&sender)?,
    };
    if let Some(membership) = &membership {
        membership
            .check_sender(sender.card(), issued_at)
            .map_err(|e| team::explain(e, membership))?;
    }
    let recipients = recipients(to, book)?;
    let document = invoice::load(invoice)?;
    if let Some(membership) = &membership {
        team::check_accounts(membership, &payment::payee_accounts(&document.xml)?)?;
    }
    let mut infos = vec![DocumentInfo {
        name: document.name.clone(),
        media_type: sealbill_invoice::MEDIA_TYPE.into(),
        size: document.xml.len() as u64,
    }];
    let mut files = Vec::with_capacity(attach.len());
    for path in attach {
        let file = File::open(path).map_err(|e| Failure::io("cannot read", path, &e))?;
        let size = file
            .metadata()
            .map_err(|e| Failure::io("cannot read", path, &e))?
            .len();
        infos.push(DocumentInfo {
            name: inputs::file_name(path)?,
            media_type: inputs::media_type(path).into(),
            size,
        });
        files.push(file);
    }
    let invoice_id = seal_as.id.unwrap_or(document.number);
    let mut staged = staging::Staged::create(output)?;
    let mut out = Vec::with_capacity(2 * PIECE);
    let recipient_count = recipients.len();
    let team_note = membership.as_ref().map(|m| {
        format!(
            " and the team archive of {} (epoch {})",
            m.owner().name(),
            m.archive().epoch
        )
    });
    let options = SealOptions {
        recipients,
        encoding: if armor {
            age::Encoding::Armored
        } else {
            age::Encoding::Binary
        },
        membership,
        ..SealOptions::new(&invoice_id, issued_at)
    };
    let mut sealer = Sealer::new(&sender, infos, &options, &mut out)?;
    let mut sources: Vec<(Box<dyn Read>, &Path)> =
        vec![(Box::new(document.xml.as_slice()), invoice)];
    for (file, path) in files.into_iter().zip(attach) {
        sources.push((Box::new(file), path));
    }
    for (mut source, path) in sources {
        inputs::for_each_piece(&mut source, path, |piece| {
            sealer.push(piece, &mut out)?;
            staged.write(&out)?;
            out.clear();
            Ok(())
        })?;
    }
    sealer.finish(&mut out)?;
    staged.write(&out)?;
    staged.commit()?;
    eprintln!(
        "Sealed {invoice_id} for {recipient_count} recipient(s){} plus yourself into {}",
        team_note.unwrap_or_default(),
        output.display()
    );
    Ok(())
}

/// What `open` checks besides the envelope.
struct OpenChecks<'a> {
    /// The address book given with `--contacts`, if any.
    book: Option<&'a Path>,
    /// Open even if the sender's name is a contact's with another key.
    accept_changed_key: bool,
    /// Also write the CII form.
    cii: bool,
    /// Archive-key files: read the team archive with them instead of the identity's own key.
    archive_keys: &'a [PathBuf],
}

/// The archive keys in `files`, sealed to the identity at `identity`.
fn archive_keys(identity: &Path, files: &[PathBuf]) -> Result<Vec<sealbill::ArchiveKey>, Failure> {
    let reader = inputs::read_identity(identity)?;
    let mut bytes = Vec::with_capacity(files.len());
    for file in files {
        bytes.push(std::fs::read(file).map_err(|e| Failure::io("cannot read", file, &e))?);
    }
    let slices: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
    let keys = sealbill::archive_keys(&reader, &slices);
    if keys.is_empty() {
        return Err(Failure::new(
            "none of the archive-key files is sealed to your identity: ask the business owner \
             to publish the team's keys again [WRONG_KEY]",
        ));
    }
    Ok(keys)
}

/// Who opens an envelope: an identity file, or a link (SPEC §5.3) with its passphrase if it
/// has one.
enum Reader {
    Identity(PathBuf),
    Link(sealbill::LinkSecret, Option<sealbill::Passphrase>),
}

/// The reader that `open`'s options name (clap makes sure one is given).
fn reader(
    identity: Option<PathBuf>,
    link: Option<&str>,
    passphrase_file: Option<&Path>,
) -> Result<Reader, Failure> {
    match (identity, link) {
        (_, Some(link)) => {
            let secret = link::read(link)?;
            let passphrase = if secret.needs_passphrase() {
                Some(passphrase::read(
                    passphrase_file,
                    passphrase::Use::OpenLink,
                )?)
            } else {
                None
            };
            Ok(Reader::Link(secret, passphrase))
        }
        (Some(identity), None) => Ok(Reader::Identity(identity)),
        (None, None) => Err(Failure::new("give --identity or --link")),
    }
}

fn open(
    reader: Reader,
    expect_sender: Option<String>,
    file: &Path,
    output: &Path,
    checks: OpenChecks<'_>,
) -> Result<(), Failure> {
    let (identities, archive, link) = match reader {
        Reader::Identity(identity) => match checks.archive_keys {
            [] => (inputs::read_age_identities(&identity)?, None, None),
            files => {
                let keys = archive_keys(&identity, files)?;
                let identities = keys.iter().map(|k| k.identity().clone()).collect();
                (identities, Some(keys), None)
            }
        },
        Reader::Link(secret, passphrase) => {
            let identity = secret.identity(passphrase.as_ref())?;
            (vec![identity], None, Some(secret))
        }
    };
    // With a link, an envelope that no key unwraps is explained in link terms.
    let explain = |error: sealbill::Error| match &link {
        Some(link) => link::failure(link, error),
        None => Failure::from(error),
    };
    // A broken book fails before anything is decrypted; a missing one is empty.
    let book = contacts::location(checks.book)
        .map(|path| contacts::Book::load(&path))
        .transpose()?;
    let expected = expect_sender
        .map(|fp| fp.parse::<Fingerprint>())
        .transpose()?;
    let mut input = File::open(file).map_err(|e| Failure::io("cannot read", file, &e))?;
    let mut sink = staging::DocumentFiles::new(output)?;
    // Decrypted bytes are staged encrypted under a key that the opener releases only once
    // the envelope verified; then they are revealed into the document files.
    let mut staged = staging::StagedBytes::create(output)?;
    let mut opener = Opener::new(&identities);
    let mut pending = Vec::with_capacity(2 * PIECE);
    inputs::for_each_piece(&mut input, file, |piece| {
        opener.push(piece, &mut pending).map_err(explain)?;
        staged.write(&pending)?;
        pending.clear();
        Ok(())
    })?;
    let verified = opener
        .finish(&mut pending, expected.as_ref())
        .map_err(explain)?;
    if let Some(keys) = &archive {
        sealbill::check_archive(&verified.manifest, keys)?;
    }
    // The business is known now (the sender, or the owner of the sender's team), and nothing
    // is written yet: a namesake with another key stops here unless the user decided
    // otherwise.
    let business = verified.manifest.business().clone();
    let sender_status = book.as_ref().map(|b| b.check_sender(&business));
    if let Some(contacts::Sender::ChangedKey(contact)) = &sender_status {
        if !checks.accept_changed_key {
            let sender = &business;
            return Err(Failure::new(format!(
                "refused: the sender calls itself {:?} like your contact {}, but signs with \
                 another key (fingerprint {}, not {}). It may be an impostor: ask {} on the \
                 phone, by a number you already had. Only if their key really changed, open \
                 with --accept-changed-key and update the contact (remove, then add). \
                 [CHANGED_KEY]",
                sender.name(),
                contact.describe(),
                sender.fingerprint(),
                contact.card.fingerprint(),
                contact.name(),
            )));
        }
    }
    // A team member's envelope signed under an older team list than one already seen from
    // this business is refused: the sender may have been removed since.
    let mut seen = None;
    if let Some(membership) = &verified.manifest.membership {
        if let Some(path) = contacts::location(checks.book) {
            let known = seen.insert(seen::Seen::load(&seen::location(&path))?);
            membership
                .check_envelope(
                    verified.manifest.issued_at,
                    known.get(&business.fingerprint()),
                )
                .map_err(|e| team::explain(e, membership))?;
        }
    }
    staged.write(&pending)?;
    let mut reveal = verified.reveal;
    staged.read_back(|piece| {
        reveal.push(piece, &mut sink)?;
        sink.check()
    })?;
    reveal.finish(&mut sink)?;
    let manifest = verified.manifest;
    // A team member may name only the bank accounts the owner signed.
    if let Some(membership) = &manifest.membership {
        let xml = sink.first_document(sealbill_invoice::MAX_XML_LEN)?;
        team::check_accounts(membership, &payment::payee_accounts(&xml)?)?;
    }
    let written = sink.commit(&manifest)?;
    if let (Some(membership), Some(seen)) = (&manifest.membership, &mut seen) {
        if seen.raise(business.fingerprint(), membership.seen()) {
            seen.save()?;
        }
    }
    let sender = &manifest.sender;
    println!(
        "verified: invoice {} from {}",
        manifest.invoice_id,
        business.name()
    );
    println!("fingerprint: {}", business.fingerprint());
    if let Some(membership) = &manifest.membership {
        println!(
            "sent by: {} ({})",
            sender.name(),
            membership.member().role.as_str()
        );
        println!("sender fingerprint: {}", sender.fingerprint());
    }
    println!("issued: {}", timefmt::rfc3339(manifest.issued_at));
    for path in &written {
        println!("wrote: {}", path.display());
    }
    if let Some(xml) = written.first() {
        if let Some(cii) = invoice::describe_opened(xml, checks.cii)? {
            println!("wrote: {}", cii.display());
        }
    }
    let verified_contact = matches!(&sender_status, Some(contacts::Sender::Known(c)) if c.verified);
    match &sender_status {
        Some(status) => eprintln!("{status}"),
        None => eprintln!("{}", contacts::Sender::New(business.to_text())),
    }
    if expected.is_none() && !verified_contact {
        eprintln!(
            "note: the sender was not pinned. Compare the fingerprint with the sender on the phone, \
             then pass --expect-sender next time."
        );
    }
    Ok(())
}

fn decrypt(
    identity: &[PathBuf],
    output: Option<&Path>,
    input: Option<&Path>,
) -> Result<(), Failure> {
    let mut identities = Vec::new();
    for path in identity {
        identities.extend(inputs::read_age_identities(path)?);
    }
    let mut reader: Box<dyn Read> = match input {
        Some(path) => Box::new(File::open(path).map_err(|e| Failure::io("cannot read", path, &e))?),
        None => Box::new(std::io::stdin().lock()),
    };
    let mut staged = output.map(staging::Staged::create).transpose()?;
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    let mut emit = |bytes: &[u8]| -> Result<(), Failure> {
        match &mut staged {
            Some(staged) => staged.write(bytes),
            None => stdout
                .write_all(bytes)
                .map_err(|e| Failure::io("cannot write", Path::new("stdout"), &e)),
        }
    };
    let mut decryptor = age::Decryptor::new(&identities);
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(2 * PIECE));
    let name = input.unwrap_or(Path::new("standard input"));
    inputs::for_each_piece(&mut reader, name, |piece| {
        decryptor.push(piece, &mut out)?;
        emit(&out)?;
        out.clear();
        Ok(())
    })?;
    decryptor.finish(&mut out)?;
    emit(&out)?;
    if let Some(staged) = staged {
        staged.commit()?;
    }
    stdout
        .flush()
        .map_err(|e| Failure::io("cannot write", Path::new("stdout"), &e))
}

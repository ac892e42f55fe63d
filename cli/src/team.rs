//! `sealbill team …`: the owner's team of a business (SPEC §3.8). A business is its owner's
//! identity; members have identities of their own and a role, listed in a roster the owner
//! signs. From the roster the owner signs one membership per member, which the member's
//! envelopes carry, and seals the team's archive key to every reader.
//!
//! The owner's team state is a directory (`--team DIR`, else `$SEALBILL_TEAM`, else
//! `$XDG_CONFIG_HOME/sealbill/team`, else `~/.config/sealbill/team`):
//!
//! ```text
//! roster.bin                  the current signed roster
//! rosters/<version>.bin       every roster signed here, so that an older one put back is seen
//! memberships/<digits>.bin    the membership of each member and of the owner, by fingerprint
//! archive-keys/<epoch>.age    each archive key, sealed to the owner and the current readers
//! ```
//!
//! No archive secret is stored in clear: the owner gets old archive keys back by opening the
//! archive-key files with its own identity, and checks each against a roster it signed. Every
//! file is written atomically (a temporary file renamed into place); the roster is written
//! after the archive keys it names and before the memberships taken from it.

mod dir;

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use sealbill::names::name_key;
use sealbill::{
    normalize_iban, ArchiveKey, Card, Error, Fingerprint, Identity, JoinRequest, Member,
    Membership, Role, Roster, RosterDraft, TeamInvitation, JOIN_REQUEST_PREFIX, MAX_ROSTER_LEN,
    TEAM_INVITATION_PREFIX,
};

use crate::failure::Failure;
use crate::{inputs, timefmt};
pub use dir::read_membership;
use dir::{about, check_owner, read_file, who, TeamDir, FIRST_EPOCH};

/// The role a member is invited to or given: biller or accountant.
pub fn parse_role(text: &str) -> Result<Role, Failure> {
    match text.trim().to_ascii_lowercase().as_str() {
        "biller" => Ok(Role::Biller),
        "accountant" => Ok(Role::Accountant),
        "owner" => Err(Failure::new(
            "a team has one owner, the business itself: a member is a biller or an accountant",
        )),
        _ => Err(Failure::new(format!(
            "{text:?} is not a role: a member is a biller (sends invoices) or an accountant \
             (reads the archive)"
        ))),
    }
}

/// A member's validity in words.
fn validity(member: &Member, now: u64) -> String {
    let mut text = format!("from {}", timefmt::rfc3339(member.valid_from));
    if member.valid_until == 0 {
        text.push_str(", no end");
    } else {
        text.push_str(&format!(" until {}", timefmt::rfc3339(member.valid_until)));
    }
    if !member.is_valid_at(now) {
        text.push_str(" (not valid now)");
    }
    text
}

/// Prints the roster: business, version, accounts, archive epoch and every member.
fn print_roster(roster: &Roster) {
    let now = timefmt::now();
    println!("business: {}", roster.owner().name());
    println!("fingerprint: {}", roster.owner().fingerprint());
    println!("version: {}", roster.version());
    println!("issued: {}", timefmt::rfc3339(roster.issued()));
    println!(
        "accounts: {}",
        if roster.accounts().is_empty() {
            "(none)".to_owned()
        } else {
            roster.accounts().join(", ")
        }
    );
    println!("archive epoch: {}", roster.archive().epoch);
    for member in roster.members() {
        println!(
            "member: {}  {:<10}  {}  {}",
            member.card.fingerprint(),
            member.role.as_str(),
            validity(member, now),
            member.card.name()
        );
    }
    if roster.members().is_empty() {
        eprintln!("No members yet: invite one with `sealbill team invite`.");
    }
}

/// `sealbill team invite`: the owner's signed invitation to a role.
pub fn invite(identity: &Path, role: &str) -> Result<(), Failure> {
    let owner = inputs::read_identity(identity)?;
    let role = parse_role(role)?;
    let invitation = TeamInvitation::new(&owner, role, timefmt::now())?;
    println!("business: {}", owner.name());
    println!("fingerprint: {}", owner.fingerprint());
    println!("role: {}", role.as_str());
    println!("invitation: {}", invitation.to_text());
    eprintln!(
        "Send the invitation line to the new {}. When they accept it, they see your \
         fingerprint: read it to them on the phone. They send back a sealbill-team-join:… \
         line and read you theirs; then run: sealbill team accept --identity {} --fingerprint \
         \"<their fingerprint, as they read it>\" <the join line>",
        role.as_str(),
        identity.display()
    );
    Ok(())
}

/// What `team accept` was given.
enum Offer {
    Invitation(Box<TeamInvitation>),
    Join(Box<JoinRequest>),
}

/// Finds an invitation or a join request in `arg`: the text itself, or a file holding it
/// (such as the output of `sealbill team invite`).
fn read_offer(arg: &str) -> Result<Offer, Failure> {
    let is_offer =
        |w: &str| w.starts_with(TEAM_INVITATION_PREFIX) || w.starts_with(JOIN_REQUEST_PREFIX);
    let text = if is_offer(arg.trim()) {
        arg.trim().to_owned()
    } else if Path::new(arg).is_file() {
        let text = inputs::read_small(Path::new(arg))?;
        text.split_whitespace()
            .find(|w| is_offer(w))
            .ok_or_else(|| {
                Failure::new(format!(
                    "{arg}: no sealbill-team-invitation:… or sealbill-team-join:… in this file"
                ))
            })?
            .to_owned()
    } else {
        return Err(Failure::new(format!(
            "{arg:?} is not a team invitation (sealbill-team-invitation:…), a join request \
             (sealbill-team-join:…) or a file holding one"
        )));
    };
    if text.starts_with(TEAM_INVITATION_PREFIX) {
        let invitation = TeamInvitation::from_text(&text)
            .map_err(|e| Failure::new(format!("invalid team invitation: {e} [{}]", e.code())))?;
        Ok(Offer::Invitation(Box::new(invitation)))
    } else {
        let join = JoinRequest::from_text(&text)
            .map_err(|e| Failure::new(format!("invalid join request: {e} [{}]", e.code())))?;
        Ok(Offer::Join(Box::new(join)))
    }
}

/// How the owner confirms the member's fingerprint.
pub struct Confirmation<'a> {
    /// `--fingerprint`: the member's fingerprint as the member read it.
    pub fingerprint: Option<&'a str>,
    /// `--account`: the payment accounts of a first roster (or new ones).
    pub accounts: &'a [String],
}

/// `sealbill team accept`: a member accepts an invitation, or the owner a join request.
pub fn accept(
    identity: &Path,
    team: Option<&Path>,
    arg: &str,
    confirmation: &Confirmation<'_>,
) -> Result<(), Failure> {
    match read_offer(arg)? {
        Offer::Invitation(invitation) => member_accepts(identity, &invitation),
        Offer::Join(join) => owner_accepts(identity, team, &join, confirmation),
    }
}

/// The member's side: shows the business to compare, and prints the join request.
fn member_accepts(identity: &Path, invitation: &TeamInvitation) -> Result<(), Failure> {
    let member = inputs::read_identity(identity)?;
    let join = invitation.accept(&member)?;
    let owner = invitation.owner();
    println!("business: {}", owner.name());
    println!("fingerprint: {}", owner.fingerprint());
    println!("role: {}", invitation.role().as_str());
    println!("member: {}", member.name());
    println!("member fingerprint: {}", member.fingerprint());
    println!("join: {}", join.to_text());
    eprintln!(
        "Compare the business's fingerprint above with the owner of {} before you go on (on \
         the phone, by a number you already had). Only if it matches, send the join line back \
         to the owner and read them your member fingerprint: they add you to the team once it \
         matches, and send you your membership file for `sealbill seal --membership`.",
        owner.name()
    );
    Ok(())
}

/// Asks the owner, on a terminal, whether the member read this fingerprint.
fn confirm_on_terminal(card: &Card, role: Role) -> Result<bool, Failure> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Ok(false);
    }
    eprintln!(
        "{} asks to join as {}.\nfingerprint: {}\nDid {} read you exactly this fingerprint? \
         Type yes to add them:",
        card.name(),
        role.as_str(),
        card.fingerprint(),
        card.name()
    );
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::io("cannot read", Path::new("standard input"), &e))?;
    Ok(line.trim().eq_ignore_ascii_case("yes"))
}

/// The owner's side: checks the request answers this owner's invitation and that the owner
/// compared the member's fingerprint, then signs the next roster with the member in it.
fn owner_accepts(
    identity: &Path,
    team: Option<&Path>,
    join: &JoinRequest,
    confirmation: &Confirmation<'_>,
) -> Result<(), Failure> {
    let owner = inputs::read_identity(identity)?;
    let card = join.member();
    let role = join.role();
    join.check_owner(&owner).map_err(|_| {
        Failure::new(format!(
            "this join request answers an invitation of {}, not one of yours ({}); nothing \
             was changed [UNEXPECTED_SENDER]",
            who(join.invitation().owner()),
            who(owner.card())
        ))
    })?;
    match confirmation.fingerprint {
        Some(typed) => {
            let typed: Fingerprint = typed.parse().map_err(|_| {
                Failure::new(format!(
                    "--fingerprint {typed:?}: a fingerprint is 40 digits, in groups of 5"
                ))
            })?;
            if typed != card.fingerprint() {
                return Err(Failure::new(format!(
                    "refused: the fingerprint you were read ({typed}) is not the one of this \
                     join request from {:?} ({}): it may not come from the person you invited. \
                     Nothing was changed [UNEXPECTED_SENDER]",
                    card.name(),
                    card.fingerprint()
                )));
            }
        }
        None => {
            if !confirm_on_terminal(card, role)? {
                return Err(Failure::new(format!(
                    "not added: {:?} asks to join as {} with fingerprint {}. Ask them to read \
                     you their fingerprint, then run again with --fingerprint \"<as they read \
                     it>\" (or answer yes on a terminal)",
                    card.name(),
                    role.as_str(),
                    card.fingerprint()
                )));
            }
        }
    }
    let team = TeamDir::at(team)?;
    let current = team.current(Some(&owner))?;
    let now = timefmt::now();
    if let Some(existing) = current.as_ref().and_then(|r| r.member(&card.fingerprint())) {
        if existing.role == role && existing.card == *card {
            println!("known: {} ({})", card.name(), role.as_str());
            println!("fingerprint: {}", card.fingerprint());
            eprintln!("Already a member: nothing changed.");
            return Ok(());
        }
        return Err(Failure::new(format!(
            "{} is already a member, as {}; change the role with `sealbill team roster --role \
             \"{}=ROLE\"`",
            who(&existing.card),
            existing.role.as_str(),
            card.fingerprint()
        )));
    }
    let (mut draft, mut keys) = next_draft(&team, &owner, current.as_ref(), now)?;
    if !confirmation.accounts.is_empty() {
        draft.accounts = normalize_accounts(confirmation.accounts)?;
    }
    draft.members.push(Member {
        card: card.clone(),
        role,
        // The invitation is the owner's own word, signed when it was made: the member may send
        // from then on, even from a computer whose clock runs a little late.
        valid_from: join.invitation().issued().min(now),
        valid_until: 0,
    });
    let roster = draft.sign(&owner)?;
    keys.sort_by_key(|k| k.entry().epoch);
    team.commit(&owner, &roster, &keys)?;
    println!("added: {} ({})", card.name(), role.as_str());
    println!("fingerprint: {}", card.fingerprint());
    println!("version: {}", roster.version());
    println!(
        "membership: {}",
        team.membership_path(&card.fingerprint()).display()
    );
    if roster.accounts().is_empty() {
        eprintln!(
            "note: the roster names no bank account yet, so members can send only invoices \
             without one. Add the business's with `sealbill team roster --account IBAN`."
        );
    }
    eprintln!(
        "Send {} their membership file; publish the team with `sealbill team roster --out DIR`.",
        card.name()
    );
    Ok(())
}

/// The draft of the next roster and every archive key so far: the first roster (version 1,
/// a fresh archive key) when there is none.
fn next_draft(
    team: &TeamDir,
    owner: &Identity,
    current: Option<&Roster>,
    now: u64,
) -> Result<(RosterDraft, Vec<ArchiveKey>), Failure> {
    Ok(match current {
        Some(roster) => (roster.next_draft(now), team.archive_keys(owner, roster)?),
        None => {
            let key = ArchiveKey::generate(FIRST_EPOCH);
            let draft = RosterDraft {
                version: 1,
                issued: now,
                members: Vec::new(),
                accounts: Vec::new(),
                archive: key.entry(),
            };
            (draft, vec![key])
        }
    })
}

/// Normalizes `--account` values, naming the one that is not an IBAN.
fn normalize_accounts(accounts: &[String]) -> Result<Vec<String>, Failure> {
    accounts
        .iter()
        .map(|a| {
            normalize_iban(a)
                .map_err(|e| Failure::new(format!("--account {a:?}: {e} [{}]", e.code())))
        })
        .collect()
}

/// The member a command names: a fingerprint, or a name that only one member has.
fn find_member<'a>(roster: &'a Roster, query: &str) -> Result<&'a Member, Failure> {
    let found: Vec<&Member> = match query.parse::<Fingerprint>() {
        Ok(fingerprint) => roster.member(&fingerprint).into_iter().collect(),
        Err(_) => {
            let key = name_key(query);
            roster
                .members()
                .iter()
                .filter(|m| !key.is_empty() && name_key(m.card.name()) == key)
                .collect()
        }
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Failure::new(format!(
            "no member {query:?} in the team roster; `sealbill team list` shows them [NOT_A_MEMBER]"
        ))),
        _ => Err(Failure::new(format!(
            "{query:?} names several members; give the fingerprint"
        ))),
    }
}

/// `sealbill team list`.
pub fn list(team: Option<&Path>) -> Result<(), Failure> {
    let team = TeamDir::at(team)?;
    let roster = team.current(None)?.ok_or_else(|| {
        Failure::new(format!(
            "no team roster in {}: the owner's team directory holds one once a member joined",
            team.root.display()
        ))
    })?;
    print_roster(&roster);
    Ok(())
}

/// `sealbill team remove`: the next roster without the member, and a new archive key.
pub fn remove(identity: &Path, team: Option<&Path>, query: &str) -> Result<(), Failure> {
    let owner = inputs::read_identity(identity)?;
    let team = TeamDir::at(team)?;
    let current = team.require_current(&owner)?;
    let removed = find_member(&current, query)?.clone();
    let fingerprint = removed.card.fingerprint();
    let mut keys = team.archive_keys(&owner, &current)?;
    let old_epoch = current.archive().epoch;
    let new_epoch = old_epoch.checked_add(1).ok_or_else(|| {
        Failure::new("the archive key cannot be rotated any more [LIMIT_EXCEEDED]")
    })?;
    let key = ArchiveKey::generate(new_epoch);
    let mut draft = current.next_draft(timefmt::now());
    draft
        .members
        .retain(|m| m.card.fingerprint() != fingerprint);
    draft.archive = key.entry();
    keys.push(key);
    let roster = draft.sign(&owner)?;
    team.commit(&owner, &roster, &keys)?;
    let name = removed.card.name();
    println!("removed: {name} ({})", removed.role.as_str());
    println!("fingerprint: {fingerprint}");
    println!("version: {}", roster.version());
    println!("archive epoch: {new_epoch}");
    println!(
        "still readable by {name}: whatever they already fetched or saved, and every invoice \
         sealed to the team archive before this rotation (archive epochs {FIRST_EPOCH} to \
         {old_epoch}), whose keys they were given"
    );
    println!("not readable by {name}: invoices sealed from now on, to archive epoch {new_epoch}");
    eprintln!(
        "Their membership (roster version {}) still shows a role to clients who have not seen \
         a newer roster: publish this one now (`sealbill team roster --out DIR`), and send the \
         remaining members their new memberships.",
        current.version()
    );
    Ok(())
}

/// What `team roster` changes.
pub struct RosterChanges<'a> {
    /// `--role FP=ROLE`, repeatable.
    pub roles: &'a [String],
    /// `--account IBAN`, repeatable: the new list of accounts.
    pub accounts: &'a [String],
    /// `--import FILE`: a roster signed elsewhere (the page), to take as the current one.
    pub import: Option<&'a Path>,
    /// `--out DIR`: where to write the files to publish.
    pub out: Option<&'a Path>,
}

/// `sealbill team roster`: changes roles or accounts in a new signed version, takes in a
/// roster signed elsewhere, prints the roster, and writes the files to publish.
pub fn roster(
    identity: &Path,
    team: Option<&Path>,
    changes: &RosterChanges<'_>,
) -> Result<(), Failure> {
    let owner = inputs::read_identity(identity)?;
    let team = TeamDir::at(team)?;
    if let Some(file) = changes.import {
        import(&team, &owner, file)?;
    }
    let current = team.current(Some(&owner))?;
    let roster = if changes.roles.is_empty() && changes.accounts.is_empty() {
        current.ok_or_else(|| team.no_roster())?
    } else {
        let (mut draft, keys) = next_draft(&team, &owner, current.as_ref(), timefmt::now())?;
        for change in changes.roles {
            let (who_text, role_text) = change.rsplit_once('=').ok_or_else(|| {
                Failure::new(format!(
                    "--role {change:?}: expected FINGERPRINT=biller or FINGERPRINT=accountant"
                ))
            })?;
            let role = parse_role(role_text)?;
            let current = current.as_ref().ok_or_else(|| {
                Failure::new("--role: the team has no members yet [NOT_A_MEMBER]")
            })?;
            let fingerprint = find_member(current, who_text.trim())?.card.fingerprint();
            for member in draft.members.iter_mut() {
                if member.card.fingerprint() == fingerprint {
                    member.role = role;
                }
            }
        }
        if !changes.accounts.is_empty() {
            draft.accounts = normalize_accounts(changes.accounts)?;
        }
        let roster = draft.sign(&owner)?;
        team.commit(&owner, &roster, &keys)?;
        eprintln!(
            "Signed roster version {}: send each member their new membership, and publish it.",
            roster.version()
        );
        roster
    };
    print_roster(&roster);
    if let Some(out) = changes.out {
        let written = team.publish(&owner, &roster, out)?;
        for path in &written {
            println!("wrote: {}", path.display());
        }
        eprintln!(
            "These are the files the page publishes to the relay: roster.bin (POST \
             /api/v1/rosters), memberships/*.bin (POST /api/v1/rosters/memberships) and \
             archive-keys/N.age (POST /api/v1/rosters/archive-keys?epoch=N)."
        );
    }
    Ok(())
}

/// Takes in a roster signed elsewhere: it must be the owner's and newer than the current one
/// (`STALE_ROSTER`), and its archive key must be one the owner can open.
fn import(team: &TeamDir, owner: &Identity, file: &Path) -> Result<(), Failure> {
    let bytes = read_file(file, MAX_ROSTER_LEN)?;
    // The newest roster known here: the roster file's, or a newer one signed here before
    // (when an older roster file was put back, importing the newest repairs it).
    let current = team.read_current(Some(owner))?;
    let newest = team.history(owner.card())?.pop();
    let known = match (current, newest) {
        (Some(c), Some(n)) if n.version() > c.version() => Some(n),
        (Some(c), _) => Some(c),
        (None, n) => n,
    };
    let roster = Roster::verify(&bytes, known.as_ref()).map_err(|e| match (&e, &known) {
        (Error::StaleRoster, Some(known)) => Failure::new(format!(
            "{} is not newer than the team roster already here (version {}): an older team \
             list replayed, which could let removed members in again; nothing changed \
             [STALE_ROSTER]",
            file.display(),
            known.version()
        )),
        (Error::UnexpectedSender, _) => Failure::new(format!(
            "{} is the roster of another business; nothing changed [UNEXPECTED_SENDER]",
            file.display()
        )),
        _ => about(file, e),
    })?;
    check_owner(&roster, owner, file)?;
    let keys = team.archive_keys(owner, &roster)?;
    team.commit(owner, &roster, &keys)?;
    eprintln!("Imported roster version {}.", roster.version());
    Ok(())
}

/// The owner's own membership, when `sender` owns the team of the team directory (`--team`
/// is not given to `seal`: `$SEALBILL_TEAM` or the default place): once a business has a
/// team, the owner's envelopes carry it too, so that they reach the archive (SPEC §3.8).
pub fn own_membership(sender: &Identity) -> Result<Option<Membership>, Failure> {
    let Ok(team) = TeamDir::at(None) else {
        return Ok(None);
    };
    let path = team.membership_path(&sender.fingerprint());
    if !path.is_file() {
        return Ok(None);
    }
    let membership = read_membership(&path)?;
    if membership.owner() != sender.card() || membership.member().role != Role::Owner {
        return Ok(None);
    }
    eprintln!(
        "note: you own the team in {}: the envelope carries your membership (roster version \
         {}) and also goes to the team archive.",
        team.root.display(),
        membership.version()
    );
    Ok(Some(membership))
}

/// Explains a core error of the team checks in plain words, with its code.
pub fn explain(err: Error, membership: &Membership) -> Failure {
    let business = membership.owner().name();
    let member = membership.member();
    let text = match err {
        Error::NotAMember => format!(
            "this membership is {}'s, not yours: ask the owner of {business} for your own",
            who(&member.card)
        ),
        Error::RoleCannotSend => format!(
            "{} is an accountant of {business}: an accountant reads the archive but cannot send \
             invoices; only the owner and billers send",
            member.card.name()
        ),
        Error::MembershipExpired => format!(
            "{}'s membership of {business} ended at {}: ask the owner for a new one",
            member.card.name(),
            timefmt::rfc3339(member.valid_until)
        ),
        Error::MembershipNotYetValid => format!(
            "{}'s membership of {business} holds only from {}: check this computer's clock",
            member.card.name(),
            timefmt::rfc3339(member.valid_from)
        ),
        Error::StaleRoster => format!(
            "signed under an older team list of {business} (version {}) than one already seen: \
             the sender may have been removed from the team",
            membership.version()
        ),
        other => return other.into(),
    };
    Failure::new(format!("{text} [{}]", err.code()))
}

/// Checks the invoice's payee accounts against the owner-signed ones of the membership.
pub fn check_accounts(membership: &Membership, ibans: &[String]) -> Result<(), Failure> {
    for iban in ibans {
        if membership.check_accounts(&[iban.as_str()]).is_err() {
            let signed = if membership.accounts().is_empty() {
                "none".to_owned()
            } else {
                membership.accounts().join(", ")
            };
            let hint = if membership.member().role == Role::Owner {
                "; as the owner, add it with `sealbill team roster --account IBAN` (every \
                 account at once)"
            } else {
                ""
            };
            return Err(Failure::new(format!(
                "the IBAN {iban:?} is not one the owner of {} signed; only the owner can change \
                 the business's bank accounts (signed: {signed}){hint} [ACCOUNT_NOT_ALLOWED]",
                membership.owner().name(),
            )));
        }
    }
    Ok(())
}

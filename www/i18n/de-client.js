// German for the page's client part: English text (the key) to its translation.
export default {
  // Opening a link (index.html, open.js)
  "An invoice was sent to you": "Ihnen wurde eine Rechnung gesendet",
  "It is end-to-end encrypted: it is decrypted and its signature checked here, in your browser. Nothing is fetched until you open it.":
    "Sie ist Ende-zu-Ende-verschlüsselt: Sie wird hier in Ihrem Browser entschlüsselt und ihre Signatur geprüft. Erst wenn Sie sie öffnen, wird etwas abgerufen.",
  "It was sealed to the key of the device you connected, so this link holds no secret: only that device opens it, after you unlock your key.":
    "Sie wurde für den Schlüssel des Geräts versiegelt, das Sie verbunden haben. Dieser Link enthält daher kein Geheimnis: Nur dieses Gerät öffnet sie, nachdem Sie Ihren Schlüssel entsperrt haben.",
  "Passphrase (the sender gave it to you separately)": "Passphrase (der Absender hat sie Ihnen getrennt mitgeteilt)",
  "Open invoice": "Rechnung öffnen",
  "Opening…": "Wird geöffnet …",

  // What went wrong (open.js FAILURES)
  "This link is broken or incomplete. Copy the whole link from the message again, or ask the sender to send it again.":
    "Dieser Link ist beschädigt oder unvollständig. Kopieren Sie den ganzen Link erneut aus der Nachricht oder bitten Sie den Absender, ihn noch einmal zu senden.",
  "This invoice link has expired or does not exist. Ask the sender for a new link.":
    "Dieser Rechnungslink ist abgelaufen oder existiert nicht. Bitten Sie den Absender um einen neuen Link.",
  "This invoice was revoked by its sender, or it has already been opened as often as allowed. Ask the sender for a new link.":
    "Diese Rechnung wurde vom Absender zurückgezogen oder bereits so oft geöffnet wie erlaubt. Bitten Sie den Absender um einen neuen Link.",
  "The invoice server cannot be reached. Check your connection and try again in a moment.":
    "Der Rechnungsserver ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es gleich noch einmal.",
  "Wrong passphrase, or the invoice was altered after it was sealed. Check the passphrase with the sender (by phone, not by email) and try again. If it is right, do not pay anything on the basis of this invoice; tell the sender.":
    "Falsche Passphrase, oder die Rechnung wurde nach dem Versiegeln verändert. Prüfen Sie die Passphrase mit dem Absender (telefonisch, nicht per E-Mail) und versuchen Sie es erneut. Stimmt sie, zahlen Sie nichts auf Grundlage dieser Rechnung und informieren Sie den Absender.",
  "Wrong passphrase. Check it with the sender (by phone, not by email) and try again.":
    "Falsche Passphrase. Klären Sie sie mit dem Absender (telefonisch, nicht per E-Mail) und versuchen Sie es erneut.",
  "This invoice was altered after it was sealed, so it is not shown. Do not pay anything on its basis; tell the sender.":
    "Diese Rechnung wurde nach dem Versiegeln verändert und wird deshalb nicht angezeigt. Zahlen Sie nichts auf ihrer Grundlage und informieren Sie den Absender.",
  "The sender's signature on this invoice is not valid, so it is not shown. Do not pay anything on its basis; tell the sender.":
    "Die Signatur des Absenders auf dieser Rechnung ist ungültig, deshalb wird sie nicht angezeigt. Zahlen Sie nichts auf ihrer Grundlage und informieren Sie den Absender.",
  "This invoice is signed, but it was addressed to someone else and forwarded. Do not pay it; contact the sender.":
    "Diese Rechnung ist signiert, war aber an jemand anderen gerichtet und wurde weitergeleitet. Zahlen Sie sie nicht; wenden Sie sich an den Absender.",
  "This invoice is signed by an unexpected key. Do not pay it; contact the sender on a number you already know.":
    "Diese Rechnung ist mit einem unerwarteten Schlüssel signiert. Zahlen Sie sie nicht; rufen Sie den Absender unter einer Nummer an, die Sie bereits kennen.",
  "This invoice was signed by someone the business did not allow to send invoices at that time. Do not pay it; call the business on a number you already know.":
    "Diese Rechnung wurde von jemandem signiert, dem das Unternehmen zu diesem Zeitpunkt nicht erlaubt hatte, Rechnungen zu senden. Zahlen Sie sie nicht; rufen Sie das Unternehmen unter einer Nummer an, die Sie bereits kennen.",
  "This invoice was sealed to another key than the one on this device, so it cannot be opened here. Open the link on the device you connected, or ask the sender to send it again.":
    "Diese Rechnung wurde für einen anderen Schlüssel als den auf diesem Gerät versiegelt und lässt sich hier nicht öffnen. Öffnen Sie den Link auf dem Gerät, das Sie verbunden haben, oder bitten Sie den Absender, sie noch einmal zu senden.",
  "This invoice was sealed to the key of the client's own device, and this browser holds no such key. Open the link on the device you connected, or restore your key from its backup.":
    "Diese Rechnung wurde für den Schlüssel des eigenen Geräts des Kunden versiegelt, und dieser Browser hat keinen solchen Schlüssel. Öffnen Sie den Link auf dem Gerät, das Sie verbunden haben, oder stellen Sie Ihren Schlüssel aus seiner Sicherung wieder her.",
  "This invoice cannot be opened. Ask the sender to send it again.":
    "Diese Rechnung lässt sich nicht öffnen. Bitten Sie den Absender, sie noch einmal zu senden.",

  // The sender check (open.js, trust.js)
  "Known sender: you compared this fingerprint on {date}.": "Bekannter Absender: Sie haben diesen Fingerabdruck am {date} verglichen.",
  "Known sender: you compared this fingerprint.": "Bekannter Absender: Sie haben diesen Fingerabdruck verglichen.",
  "Seen before, not yet confirmed: you opened invoices signed with this key, but never compared its fingerprint. Compare it with the sender by phone on a number you already know.":
    "Schon gesehen, noch nicht bestätigt: Sie haben mit diesem Schlüssel signierte Rechnungen geöffnet, seinen Fingerabdruck aber nie verglichen. Vergleichen Sie ihn telefonisch mit dem Absender, unter einer Nummer, die Sie bereits kennen.",
  "New sender. Call the sender on a number you already know (not one printed on this invoice) and compare the fingerprint digit by digit before you trust it or pay.":
    "Neuer Absender. Rufen Sie den Absender unter einer Nummer an, die Sie bereits kennen (nicht unter einer auf dieser Rechnung), und vergleichen Sie den Fingerabdruck Ziffer für Ziffer, bevor Sie ihm vertrauen oder zahlen.",
  "Unexpected key: this is not the key you know for this sender.": "Unerwarteter Schlüssel: Das ist nicht der Schlüssel, den Sie von diesem Absender kennen.",
  "Not checked: your history of senders is locked.": "Nicht geprüft: Ihre Liste bekannter Absender ist gesperrt.",
  "owner": "Inhaber",
  "biller": "Rechnungsstellung",
  "accountant": "Buchhaltung",
  "Stop: check who sent this before you go on": "Halt: Prüfen Sie, wer dies gesendet hat, bevor Sie fortfahren",
  "Stop: the bank details changed": "Halt: Die Bankverbindung hat sich geändert",
  "The invoice is hidden until you decide. Nothing is paid from this page.":
    "Die Rechnung bleibt verborgen, bis Sie entscheiden. Von dieser Seite aus wird nichts bezahlt.",
  "The invoice stays hidden. Tell the sender, on a number you already know.":
    "Die Rechnung bleibt verborgen. Informieren Sie den Absender unter einer Nummer, die Sie bereits kennen.",
  "Do not show it": "Nicht anzeigen",
  "You decided to see it. Pay only after the phone call confirmed the sender and the account.":
    "Sie haben entschieden, sie anzusehen. Zahlen Sie erst, wenn der Anruf den Absender und das Konto bestätigt hat.",
  "I called the sender on a known number and they confirmed this account: show it":
    "Ich habe den Absender unter einer bekannten Nummer angerufen, und er hat dieses Konto bestätigt: anzeigen",
  "I called the sender on a known number and they confirmed this new key: show it":
    "Ich habe den Absender unter einer bekannten Nummer angerufen, und er hat diesen neuen Schlüssel bestätigt: anzeigen",
  "Invoice of": "Rechnung von",
  "Signed by": "Signiert von",
  "Sent by": "Gesendet von",
  "({role}), whom {business} allowed to send its invoices": "({role}), von {business} berechtigt, dessen Rechnungen zu senden",
  "Fingerprint": "Fingerabdruck",
  "Phone on the invoice": "Telefon laut Rechnung",
  "(call a number you already know if in doubt)": "(rufen Sie im Zweifel eine Nummer an, die Sie bereits kennen)",
  "Account until now": "Bisheriges Konto",
  "Account on this invoice": "Konto auf dieser Rechnung",
  "Payee, as signed": "Zahlungsempfänger, wie signiert",
  "Confirmed on this device": "Auf diesem Gerät bestätigt",
  "I compared the fingerprint with the sender by phone: confirm it":
    "Ich habe den Fingerabdruck telefonisch mit dem Absender verglichen: bestätigen",
  "Do not pay this invoice. It asks for payment to {accounts}, but the owner of {business} did not sign these bank details: {member}, who sent it, cannot choose where you pay. Call {business} on a number you already know.":
    "Zahlen Sie diese Rechnung nicht. Sie verlangt Zahlung auf {accounts}, aber der Inhaber von {business} hat diese Bankverbindung nicht signiert: {member}, der sie gesendet hat, kann nicht bestimmen, wohin Sie zahlen. Rufen Sie {business} unter einer Nummer an, die Sie bereits kennen.",
  "Do not pay this invoice. {member} sent it under an older list of {business}'s staff than one you have already seen: {member} may have been removed from the team since. Call {business} on a number you already know.":
    "Zahlen Sie diese Rechnung nicht. {member} hat sie unter einer älteren Mitarbeiterliste von {business} gesendet als einer, die Sie bereits gesehen haben: {member} wurde inzwischen womöglich aus dem Team entfernt. Rufen Sie {business} unter einer Nummer an, die Sie bereits kennen.",
  "Your history of senders is sealed to your key, which you did not unlock, so this sender was not checked against it. Do not pay before you unlock it and open the invoice again, or call the sender.":
    "Ihre Liste bekannter Absender ist mit Ihrem Schlüssel versiegelt, den Sie nicht entsperrt haben; dieser Absender wurde daher nicht mit ihr abgeglichen. Zahlen Sie erst, wenn Sie den Schlüssel entsperrt und die Rechnung erneut geöffnet haben, oder rufen Sie den Absender an.",
  "This invoice uses a name that looks like {name}'s, but it is signed by a different key than the one you know for {name}. Someone may be impersonating them. Do not pay; call {name} on a number you already know.":
    "Diese Rechnung verwendet einen Namen, der wie der von {name} aussieht, ist aber mit einem anderen Schlüssel signiert als dem, den Sie von {name} kennen. Womöglich gibt sich jemand anderes für diesen Absender aus. Zahlen Sie nicht; rufen Sie {name} unter einer Nummer an, die Sie bereits kennen.",
  "This invoice uses the bank account of {name}, but it is signed by a different key than the one you know for {name}. Someone may be impersonating them. Do not pay; call {name} on a number you already know.":
    "Diese Rechnung verwendet das Bankkonto von {name}, ist aber mit einem anderen Schlüssel signiert als dem, den Sie von {name} kennen. Womöglich gibt sich jemand anderes für diesen Absender aus. Zahlen Sie nicht; rufen Sie {name} unter einer Nummer an, die Sie bereits kennen.",
  "The bank details changed. Until now {name} was paid to {old}; this invoice asks for {new} (payee “{payee}”, as signed). Changed bank details are the most common invoice fraud. Call {name} on a number you already know, not one on this invoice, before paying.":
    "Die Bankverbindung hat sich geändert. Bisher wurde {name} auf {old} bezahlt; diese Rechnung verlangt {new} (Zahlungsempfänger „{payee}“, wie signiert). Geänderte Bankverbindungen sind der häufigste Rechnungsbetrug. Rufen Sie {name} vor der Zahlung unter einer Nummer an, die Sie bereits kennen, nicht unter einer auf dieser Rechnung.",
  "The sender's name contains invisible characters, which can make one name look like another.":
    "Der Name des Absenders enthält unsichtbare Zeichen, mit denen ein Name wie ein anderer aussehen kann.",
  "The signer calls itself “{signer}” but the invoice names the seller “{seller}”.":
    "Der Unterzeichner nennt sich „{signer}“, die Rechnung nennt als Verkäufer aber „{seller}“.",
  "The account is in {countries} but the seller is in {country}. Check this is expected.":
    "Das Konto liegt in {countries}, der Verkäufer aber in {country}. Prüfen Sie, ob das so zu erwarten ist.",

  // The invoice screen (index.html, open.js)
  "Invoice": "Rechnung",
  "Credit note": "Gutschrift",
  "An invitation to connect": "Eine Einladung zum Verbinden",
  "invites you to receive its invoices end-to-end encrypted, sealed to a key that stays on your device.":
    "lädt Sie ein, seine Rechnungen Ende-zu-Ende-verschlüsselt zu empfangen, versiegelt für einen Schlüssel, der auf Ihrem Gerät bleibt.",
  "Download the signed original ({name})": "Signiertes Original herunterladen ({name})",
  "Download {name}": "{name} herunterladen",
  "A GiroCode for your banking app appears here once you have compared this sender's fingerprint and confirmed it.":
    "Ein GiroCode für Ihre Banking-App erscheint hier, sobald Sie den Fingerabdruck dieses Absenders verglichen und bestätigt haben.",
  "The signed document cannot be shown here ({reason}); download it below.":
    "Das signierte Dokument kann hier nicht angezeigt werden ({reason}); laden Sie es unten herunter.",
  "Your history of senders is sealed to your key. Unlock it, so that this sender is checked against the ones you know.":
    "Ihre Liste bekannter Absender ist mit Ihrem Schlüssel versiegelt. Entsperren Sie ihn, damit dieser Absender mit den Ihnen bekannten abgeglichen wird.",
  "This invoice is refused: read why below, and do not pay it.": "Diese Rechnung wird abgelehnt: Lesen Sie unten, warum, und zahlen Sie sie nicht.",
  "Read the warning below before anything else.": "Lesen Sie vor allem anderen die Warnung unten.",
  "The signature is valid: these are exactly the bytes its key signed. Read the sender check below before you pay.":
    "Die Signatur ist gültig: Dies sind genau die Daten, die ihr Schlüssel signiert hat. Lesen Sie vor der Zahlung die Absenderprüfung unten.",
  "Verified: signed by a sender you confirmed, and exactly what they signed.":
    "Geprüft: signiert von einem Absender, den Sie bestätigt haben, und genau das, was er signiert hat.",
  "This invoice was sealed to your key on this device. Unlock it to open the invoice.":
    "Diese Rechnung wurde für Ihren Schlüssel auf diesem Gerät versiegelt. Entsperren Sie ihn, um die Rechnung zu öffnen.",
  "This invoice was sealed to your own key, which this browser does not hold. Restore it from its backup file below, or open the link on the device you connected.":
    "Diese Rechnung wurde für Ihren eigenen Schlüssel versiegelt, den dieser Browser nicht hat. Stellen Sie ihn unten aus seiner Sicherungsdatei wieder her oder öffnen Sie den Link auf dem Gerät, das Sie verbunden haben.",
  "Receive future invoices from": "Künftige Rechnungen von",
  "only on this device": "nur auf diesem Gerät empfangen",
  "Today anyone who reads this link (in your mailbox, say) can open the invoice. Connect, and the sender seals your next invoices to a key that stays on this device, locked by your passphrase: a link alone then opens nothing.":
    "Heute kann jeder, der diesen Link liest (etwa in Ihrem Postfach), die Rechnung öffnen. Verbinden Sie sich, dann versiegelt der Absender Ihre nächsten Rechnungen für einen Schlüssel, der auf diesem Gerät bleibt und mit Ihrer Passphrase gesperrt ist: Ein Link allein öffnet dann nichts mehr.",
  "Connect this device": "Dieses Gerät verbinden",
  "This signed invoice breaks e-invoice rules": "Diese signierte Rechnung verstößt gegen E-Rechnungs-Regeln",
  "Print": "Drucken",
  "Keep the invoices I open in the inbox of this device, each with a copy that opens here even after the server deleted it":
    "Geöffnete Rechnungen im Posteingang dieses Geräts aufbewahren, jeweils mit einer Kopie, die sich hier auch noch öffnen lässt, nachdem der Server sie gelöscht hat",
  "Before you pay": "Bevor Sie zahlen",
  "Pay only if the fingerprint above matches the one your supplier gave you, or the page says \"Known sender\".":
    "Zahlen Sie nur, wenn der Fingerabdruck oben mit dem übereinstimmt, den Ihnen Ihr Lieferant genannt hat, oder die Seite „Bekannter Absender“ anzeigt.",
  "If the bank details changed, call your supplier on a number you already have. Fraudsters send real-looking invoices with their own IBAN.":
    "Wenn sich die Bankverbindung geändert hat, rufen Sie Ihren Lieferanten unter einer Nummer an, die Sie bereits haben. Betrüger senden echt wirkende Rechnungen mit ihrer eigenen IBAN.",
  "An email that asks you to pay somewhere else, urgently, or to keep it quiet is a warning sign, even when it seems to come from someone you know.":
    "Eine E-Mail, die Sie bittet, anderswohin, dringend oder diskret zu zahlen, ist ein Warnsignal, auch wenn sie von jemandem zu kommen scheint, den Sie kennen.",

  // The invoice itself (invoice-view.js)
  "{kind} {number}": "{kind} {number}",
  "Issued": "Rechnungsdatum",
  "Due": "Fälligkeitsdatum",
  "Date of supply": "Leistungsdatum",
  "Period of supply": "Leistungszeitraum",
  "Tax point": "Steuerzeitpunkt",
  "VAT accounted in": "Umsatzsteuer abgerechnet in",
  "{start} to {end}": "{start} bis {end}",
  "from {start}": "ab {start}",
  "until {end}": "bis {end}",
  "From": "Rechnungssteller",
  "To": "Rechnungsempfänger",
  "Trading as {name}": "Handelsname {name}",
  "VAT id {id}": "USt-IdNr. {id}",
  "Tax number {number}": "Steuernummer {number}",
  "Registration {id}": "Registernummer {id}",
  "Identifier {id}": "Kennung {id}",
  "Contact {name}": "Ansprechpartner {name}",
  "Electronic address {address}": "Elektronische Adresse {address}",
  "Delivered to": "Lieferanschrift",
  "Location {id}": "Lieferort {id}",
  "Paid to": "Zahlungsempfänger",
  "Payment goes to this payee instead of the seller.": "Die Zahlung geht an diesen Zahlungsempfänger statt an den Verkäufer.",
  "Seller's tax representative": "Steuerlicher Vertreter des Verkäufers",
  "Your reference": "Ihre Referenz",
  "Your order": "Ihre Bestellung",
  "Contract": "Vertrag",
  "Project": "Projekt",
  "Our order": "Unsere Auftragsnummer",
  "Despatch advice": "Lieferschein",
  "Receiving advice": "Wareneingangsmeldung",
  "Tender or lot": "Ausschreibung oder Los",
  "Invoiced object": "Abgerechnetes Objekt",
  "Your accounting reference": "Ihre Kontierungsangabe",
  "Corrects invoices": "Berichtigt die Rechnungen",
  "Corrects invoice": "Berichtigt die Rechnung",
  "{reference} of {date}": "{reference} vom {date}",
  "Lines": "Positionen",
  "Item": "Bezeichnung",
  "Quantity": "Menge",
  "Unit price": "Einzelpreis",
  "VAT": "USt.",
  "Net": "Netto",
  "{quantity} {unit}": "{quantity} {unit}",
  "{price} per {quantity}": "{price} je {quantity}",
  "piece": "Stück",
  "pieces": "Stück",
  "hour": "Stunde",
  "hours": "Stunden",
  "minute": "Minute",
  "minutes": "Minuten",
  "day": "Tag",
  "days": "Tage",
  "week": "Woche",
  "weeks": "Wochen",
  "month": "Monat",
  "months": "Monate",
  "year": "Jahr",
  "years": "Jahre",
  "lump sum": "Pauschale",
  "lump sums": "Pauschalen",
  "set": "Satz",
  "sets": "Sätze",
  "pair": "Paar",
  "pairs": "Paar",
  "dozen": "Dutzend",
  "package": "Packung",
  "packages": "Packungen",
  "box": "Karton",
  "boxes": "Kartons",
  "packet": "Paket",
  "packets": "Pakete",
  "roll": "Rolle",
  "rolls": "Rollen",
  "service unit": "Leistungseinheit",
  "service units": "Leistungseinheiten",
  "pallet": "Palette",
  "pallets": "Paletten",
  "Standard rate": "Regelsteuersatz",
  "Reduced rate": "Ermäßigter Steuersatz",
  "Zero rate": "Nullsteuersatz",
  "Exempt": "Steuerfrei",
  "Exempt: small business (§ 19 UStG)": "Steuerfrei: Kleinunternehmer (§ 19 UStG)",
  "Reverse charge": "Steuerschuldnerschaft des Leistungsempfängers",
  "Intra-EU supply, exempt": "Steuerfreie innergemeinschaftliche Lieferung",
  "Export outside the EU, exempt": "Steuerfreie Ausfuhrlieferung",
  "Not subject to VAT": "Nicht steuerbar",
  "Canary Islands tax (IGIC)": "Kanarische Steuer (IGIC)",
  "Ceuta and Melilla tax (IPSI)": "Steuer von Ceuta und Melilla (IPSI)",
  "Category {code}": "Kategorie {code}",
  "Period {period}": "Zeitraum {period}",
  "Your order line {reference}": "Ihre Bestellposition {reference}",
  "Your accounting reference {reference}": "Ihre Kontierungsangabe {reference}",
  "Object {id}": "Objekt {id}",
  "Article {id}": "Artikelnummer {id}",
  "Your article {id}": "Ihre Artikelnummer {id}",
  "Item {id}": "Artikelkennung {id}",
  "Classification {ids}": "Klassifikation {ids}",
  "Made in {country}": "Herkunftsland {country}",
  "Gross price {price}, less {discount}": "Bruttopreis {price}, abzüglich {discount}",
  "Gross price {price}": "Bruttopreis {price}",
  "Less {name}: {amount}": "Abzüglich {name}: {amount}",
  "Plus {name}: {amount}": "Zuzüglich {name}: {amount}",
  "Discount {code}": "Nachlass {code}",
  "Charge {code}": "Zuschlag {code}",
  "discount": "Nachlass",
  "charge": "Zuschlag",
  "{name} ({percent} of {base})": "{name} ({percent} von {base})",
  "{name} ({percent})": "{name} ({percent})",
  "Discount: {name}": "Nachlass: {name}",
  "Charge: {name}": "Zuschlag: {name}",
  "Discounts and charges on the whole invoice": "Nachlässe und Zuschläge auf die ganze Rechnung",
  "Amount": "Betrag",
  "VAT breakdown": "Umsatzsteuer",
  "Category": "Steuersatz",
  "Taxable amount": "Nettobetrag",
  "Sum of lines": "Summe der Positionen",
  "Discounts": "Nachlässe",
  "Charges": "Zuschläge",
  "Net total": "Nettobetrag",
  "Total": "Gesamtbetrag",
  "Paid in advance": "Bereits gezahlt",
  "Rounding": "Rundung",
  "Amount due": "Zahlbetrag",
  "VAT in {currency}": "Umsatzsteuer in {currency}",
  "Payment": "Zahlung",
  "Terms": "Zahlungsbedingungen",
  "How": "Zahlungsart",
  "Account {n}": "Konto {n}",
  "Account holder": "Kontoinhaber",
  "Card": "Karte",
  "Card holder": "Karteninhaber",
  "Debited from": "Abbuchung von",
  "Mandate reference": "Mandatsreferenz",
  "Creditor id": "Gläubiger-ID",
  "Payment reference": "Verwendungszweck",
  "SEPA credit transfer": "SEPA-Überweisung",
  "Credit transfer": "Überweisung",
  "SEPA direct debit": "SEPA-Lastschrift",
  "Direct debit": "Lastschrift",
  "Bank card": "Bankkarte",
  "Credit card": "Kreditkarte",
  "Debit card": "Debitkarte",
  "Cash": "Barzahlung",
  "Cheque": "Scheck",
  "Debit transfer": "Belastung des Kontos",
  "Payment to bank account": "Zahlung auf ein Bankkonto",
  "Standing agreement": "Nach Vereinbarung",
  "Online payment service": "Online-Zahlungsdienst",
  "Clearing between partners": "Verrechnung zwischen den Partnern",
  "Not defined": "Nicht angegeben",
  "Notes": "Bemerkungen",
  "General information": "Allgemeine Hinweise",
  "Payment terms": "Zahlungsbedingungen",
  "Legal": "Rechtliches",
  "Regulatory": "Vorschriften",
  "Tax": "Steuer",
  "Seller's remarks": "Anmerkungen des Verkäufers",
  "Payment details": "Zahlungsangaben",
  "Customs": "Zoll",
  "Copy": "Kopie",
  "Dangerous goods": "Gefahrgut",
  "Cost accounting": "Kostenrechnung",
  "Note": "Hinweis",
  "Price conditions": "Preiskonditionen",
  "Authentication": "Authentifizierung",
  "Other references": "Weitere Referenzen",
  "Subject {code}": "Betreff {code}",
  "Supporting documents": "Rechnungsbegründende Unterlagen",
  "Embedded files are in the signed original (download it below).":
    "Eingebettete Dateien sind im signierten Original enthalten (unten herunterladen).",

  // The GiroCode (girocode.js)
  "GiroCode for your banking app": "GiroCode für Ihre Banking-App",
  "Scan with your banking app to fill in the transfer:": "Mit Ihrer Banking-App scannen, um die Überweisung auszufüllen:",
  "to {name}, {iban}, reference “{reference}”.": "an {name}, {iban}, Verwendungszweck „{reference}“.",
  "Check the payee and the amount in the app before you confirm.":
    "Prüfen Sie Zahlungsempfänger und Betrag in der App, bevor Sie bestätigen.",
  "the invoice is not in euro": "die Rechnung lautet nicht auf Euro",
  "it is a credit note": "es ist eine Gutschrift",
  "the invoice asks for no SEPA credit transfer": "die Rechnung verlangt keine SEPA-Überweisung",
  "the IBAN is not valid": "die IBAN ist ungültig",
  "the account is outside the SEPA area": "das Konto liegt außerhalb des SEPA-Raums",
  "the BIC is not valid": "die BIC ist ungültig",
  "nothing is due": "es ist nichts zu zahlen",
  "the payee's name does not fit in a GiroCode (70 characters)": "der Name des Zahlungsempfängers passt nicht in einen GiroCode (70 Zeichen)",
  "the payment reference holds control characters": "der Verwendungszweck enthält Steuerzeichen",
  "the payment reference is longer than a GiroCode holds (140 characters)": "der Verwendungszweck ist länger, als ein GiroCode fasst (140 Zeichen)",
  "the payment details are longer than a GiroCode holds": "die Zahlungsangaben sind länger, als ein GiroCode fasst",

  // Reading the signed document (ubl.js)
  "the invoice document is not UTF-8 text": "das Rechnungsdokument ist kein UTF-8-Text",
  "the invoice document has a DTD": "das Rechnungsdokument enthält eine DTD",
  "the invoice document is not a UBL invoice": "das Rechnungsdokument ist keine UBL-Rechnung",

  // Connecting and the inbox (index.html, client.js)
  "This device already answered this invoice: the business has your key.":
    "Dieses Gerät hat auf diese Rechnung bereits geantwortet: Das Unternehmen hat Ihren Schlüssel.",
  "This invoice has had too many answers already. Ask the business to send you an invitation.":
    "Auf diese Rechnung wurde schon zu oft geantwortet. Bitten Sie das Unternehmen, Ihnen eine Einladung zu senden.",
  "The business revoked this invoice, so it cannot be answered. Ask it for an invitation.":
    "Das Unternehmen hat diese Rechnung zurückgezogen, daher kann nicht darauf geantwortet werden. Bitten Sie es um eine Einladung.",
  "This invoice has expired on the server, so it cannot be answered. Ask the business for an invitation.":
    "Diese Rechnung ist auf dem Server abgelaufen, daher kann nicht darauf geantwortet werden. Bitten Sie das Unternehmen um eine Einladung.",
  "The invoice server cannot be reached. Try again in a moment.": "Der Rechnungsserver ist nicht erreichbar. Versuchen Sie es gleich noch einmal.",
  "The invoices you open are kept on this device: each opens here even after the server deleted it.":
    "Die Rechnungen, die Sie öffnen, werden auf diesem Gerät aufbewahrt: Jede lässt sich hier auch noch öffnen, nachdem der Server sie gelöscht hat.",
  "The invoices you open are no longer kept on this device.": "Die Rechnungen, die Sie öffnen, werden nicht mehr auf diesem Gerät aufbewahrt.",
  "This device is already connected to {name}. If they still send you links, remind them to choose you as a connected client.":
    "Dieses Gerät ist bereits mit {name} verbunden. Falls Sie weiterhin Links erhalten, erinnern Sie das Unternehmen daran, Sie als verbundenen Kunden auszuwählen.",
  "Your key lets {name} seal invoices that only this device can open. Create it, or unlock the one you have.":
    "Mit Ihrem Schlüssel kann {name} Rechnungen versiegeln, die nur dieses Gerät öffnen kann. Erstellen Sie ihn oder entsperren Sie Ihren vorhandenen.",
  "Connecting…": "Wird verbunden …",
  "Connected: {name} will seal your next invoices to the key on this device.":
    "Verbunden: {name} versiegelt Ihre nächsten Rechnungen für den Schlüssel auf diesem Gerät.",
  "{name} will see your name and this fingerprint. When they call you to confirm, compare it digit by digit:":
    "{name} sieht Ihren Namen und diesen Fingerabdruck. Wenn man Sie zur Bestätigung anruft, vergleichen Sie ihn Ziffer für Ziffer:",
  "Your invoices from now on:": "Ihre Rechnungen ab jetzt:",
  "the inbox on this device": "der Posteingang auf diesem Gerät",
  "Not connected: {reason}": "Nicht verbunden: {reason}",
  "confirmed": "bestätigt",
  "confirmed {date}": "bestätigt am {date}",
  "seen, not confirmed": "gesehen, nicht bestätigt",
  "unknown": "unbekannt",
  "connected": "verbunden",
  "Unlock your key to see the invoices you received on this device.":
    "Entsperren Sie Ihren Schlüssel, um die auf diesem Gerät empfangenen Rechnungen zu sehen.",
  "Your inbox stays locked. Open an invoice link to connect with a business, or restore your key from its backup.":
    "Ihr Posteingang bleibt gesperrt. Öffnen Sie einen Rechnungslink, um sich mit einem Unternehmen zu verbinden, oder stellen Sie Ihren Schlüssel aus seiner Sicherung wieder her.",
  "A damaged entry ({reason}).": "Ein beschädigter Eintrag ({reason}).",
  "This invoice cannot be opened: {reason}": "Diese Rechnung lässt sich nicht öffnen: {reason}",
  "Fingerprint {fingerprint}": "Fingerabdruck {fingerprint}",
  "Open": "Öffnen",
  "Download the signed original": "Signiertes Original herunterladen",
  "Search the inbox": "Posteingang durchsuchen",
  "Sender": "Absender",
  "I compared the fingerprint by phone: confirm": "Ich habe den Fingerabdruck telefonisch verglichen: bestätigen",
  "Invoices received on this device": "Auf diesem Gerät empfangene Rechnungen",
  "Your key:": "Ihr Schlüssel:",
  "No invoice yet.": "Noch keine Rechnung.",
  "Number": "Nummer",
  "Sender check": "Absenderprüfung",
  "Actions": "Aktionen",
  "Businesses you have received invoices from": "Unternehmen, von denen Sie Rechnungen erhalten haben",
  "Compare each fingerprint with the business by phone, on a number you already know, then confirm it: a different key under the same name is then flagged at once.":
    "Vergleichen Sie jeden Fingerabdruck telefonisch mit dem Unternehmen, unter einer Nummer, die Sie bereits kennen, und bestätigen Sie ihn dann: Ein anderer Schlüssel unter demselben Namen fällt dann sofort auf.",
  "None yet.": "Noch keine.",
  "Business": "Unternehmen",
  "Account": "Konto",
  "State": "Stand",
  "Passphrase for a full backup: your key, the businesses you know and the invoices kept here. Keep the file away from this laptop.":
    "Passphrase für eine vollständige Sicherung: Ihr Schlüssel, die Ihnen bekannten Unternehmen und die hier aufbewahrten Rechnungen. Bewahren Sie die Datei getrennt von diesem Laptop auf.",
  "Make a full backup": "Vollständige Sicherung erstellen",

  // The client's key (index.html, client-key.js)
  "Your key for receiving invoices": "Ihr Schlüssel zum Empfangen von Rechnungen",
  "Your name or company (the sender sees it)": "Ihr Name oder Ihre Firma (der Absender sieht ihn)",
  "Passphrase (it unlocks your key on this device)": "Passphrase (sie entsperrt Ihren Schlüssel auf diesem Gerät)",
  "Passphrase again": "Passphrase wiederholen",
  "Create my key": "Meinen Schlüssel erstellen",
  "Restore my key from a backup file instead": "Meinen Schlüssel stattdessen aus einer Sicherungsdatei wiederherstellen",
  "Backup file": "Sicherungsdatei",
  "Backup passphrase": "Passphrase der Sicherung",
  "Restore": "Wiederherstellen",
  "Your key on this device:": "Ihr Schlüssel auf diesem Gerät:",
  "Passphrase": "Passphrase",
  "Your key also needs one of its passkeys: your browser asks for it after the passphrase.":
    "Ihr Schlüssel braucht außerdem einen seiner Passkeys: Ihr Browser fragt nach Eingabe der Passphrase danach.",
  "Unlock": "Entsperren",
  "Not now": "Jetzt nicht",
  "Keep a backup of your key, away from this laptop:": "Bewahren Sie eine Sicherung Ihres Schlüssels getrennt von diesem Laptop auf:",
  "That did not work: {reason}": "Das hat nicht geklappt: {reason}",
  "the two passphrases differ": "die beiden Passphrasen stimmen nicht überein",
  "choose a longer passphrase: at least 12 characters, better four or more words":
    "wählen Sie eine längere Passphrase: mindestens 12 Zeichen, besser vier oder mehr Wörter",
  "Creating your key and locking it (a second or two)…": "Ihr Schlüssel wird erstellt und gesperrt (ein, zwei Sekunden) …",
  "the name must be one line, without invisible characters (such as zero-width spaces or direction marks)":
    "der Name muss einzeilig sein, ohne unsichtbare Zeichen (wie Leerzeichen ohne Breite oder Richtungszeichen)",
  "Checking the backup (a few seconds)…": "Die Sicherung wird geprüft (einige Sekunden) …",
  "Unlocking…": "Wird entsperrt …",
  "Your accounting software or the tax office may not accept it as it is. Ask the sender for a corrected invoice before you book or pay it. The rules it breaks are listed for your accountant:":
    "Ihre Buchhaltungssoftware oder das Finanzamt akzeptiert sie so möglicherweise nicht. Bitten Sie den Absender um eine korrigierte Rechnung, bevor Sie sie buchen oder bezahlen. Die verletzten Regeln stehen hier für Ihre Steuerberatung:",
};

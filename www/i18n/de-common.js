// German for the page's frame: the header, the navigation and the start-up messages.
export default {
  "sealbill: encrypted, signed invoices": "sealbill: verschlüsselte, signierte Rechnungen",
  "Invoices sealed in your browser. The server stores only ciphertext.":
    "Rechnungen, versiegelt in Ihrem Browser. Der Server speichert nur verschlüsselte Daten.",
  "Language": "Sprache",
  "This page could not start: {reason}": "Diese Seite konnte nicht starten: {reason}",
  "Loading…": "Wird geladen …",
  "Business": "Unternehmen",
  "New invoice": "Neue Rechnung",
  "Sent": "Versendet",
  "Clients": "Kunden",
  "Team": "Team",
  "Team archive": "Team-Archiv",
  "Security": "Sicherheit",
  "Backup": "Sicherung",
  "Lock": "Sperren",
};

// Opens a link: the fragment (#<relay-id>.<secret>) never leaves the browser; only the id is
// sent to the relay, after the user asks for it.
import init, { Link, openLink } from "/pkg/sealbill.js";

const $ = (id) => document.getElementById(id);

async function main() {
  await init();
  if (!location.hash) return;
  let link;
  try {
    link = Link.parse(location.hash);
  } catch {
    $("status").textContent = "This link is incomplete. Ask the sender to send it again.";
    return;
  }
  $("open").hidden = false;
  $("passphrase-row").hidden = !link.needsPassphrase;
  $("open-button").addEventListener("click", async () => {
    $("status").textContent = "";
    try {
      const response = await fetch(`/api/v1/envelopes/${link.relayId}`, { cache: "no-store" });
      if (!response.ok) {
        const why = response.status === 410 ? "was revoked or already opened" : "has expired or does not exist";
        throw new Error(`This invoice ${why}. Ask the sender for a new link.`);
      }
      const envelope = new Uint8Array(await response.arrayBuffer());
      const options = link.needsPassphrase ? { passphrase: $("passphrase").value } : undefined;
      const opened = openLink(link, envelope, options);
      $("sender-name").textContent = opened.sender.name;
      $("sender-fingerprint").textContent = opened.sender.fingerprint;
      for (const doc of opened.documents) {
        const a = document.createElement("a");
        a.href = URL.createObjectURL(new Blob([doc.data], { type: doc.mediaType }));
        a.download = doc.name;
        a.textContent = doc.name;
        const li = document.createElement("li");
        li.append(a);
        $("documents").append(li);
      }
      $("open").hidden = true;
      $("result").hidden = false;
    } catch (e) {
      $("status").textContent = e.code === "BAD_PASSPHRASE" ? "Wrong passphrase: try again." : e.message;
    }
  });
}

main();

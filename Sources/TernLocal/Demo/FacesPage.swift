/// The Faces GUI: a grid of cells, each fetching `/face/` on its own timer and showing the
/// smiley on the color it got, or a frown on grey when the call failed.
enum FacesPage {
    static let html = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Faces on Tern</title>
        <style>
        body { font-family: sans-serif; background: #222; color: #eee; }
        #grid { display: grid; grid-template-columns: repeat(4, 96px); gap: 8px; }
        .cell { width: 96px; height: 96px; font-size: 56px; display: flex; align-items: center;
                justify-content: center; border-radius: 8px; background: #555; transition: background .3s; }
        </style></head>
        <body>
        <h1>Faces</h1>
        <p>Each cell asks <code>face</code>, which asks <code>smiley</code> and <code>color</code>, all through Tern proxies over mTLS.</p>
        <div id="grid"></div>
        <p id="stats"></p>
        <script>
        const colors = { blue: "#2f6fd6", green: "#2fa84f" };
        const grid = document.getElementById("grid");
        let ok = 0, failed = 0;
        for (let i = 0; i < 16; i++) {
          const cell = document.createElement("div");
          cell.className = "cell";
          grid.appendChild(cell);
          const refresh = async () => {
            try {
              const answer = await (await fetch("/face/")).json();
              if (answer.error) throw new Error(answer.error);
              cell.textContent = answer.smiley;
              cell.style.background = colors[answer.color] || answer.color;
              ok++;
            } catch (e) {
              cell.textContent = "☹️";
              cell.style.background = "#555";
              failed++;
            }
            document.getElementById("stats").textContent = ok + " ok, " + failed + " failed";
          };
          refresh();
          setInterval(refresh, 2000 + i * 50);
        }
        </script>
        </body></html>
        """
}

// GraphiQL served by this server alone: every file comes from /static/vendor (see manifest.json there).
(function () {
  "use strict";
  const EXAMPLE_QUERY = [
    "# OmniClaude Intelligence API",
    "#",
    "# Put your key in the Headers pane below: {\"Authorization\": \"Bearer omk_...\"}",
    "# (the dashboard's key is filled in when you opened it in this tab).",
    "# Run: Ctrl-Enter. Complete: Ctrl-Space.",
    "",
    "{",
    "  viewer { name role }",
    "  costSummary(groupBy: MODEL, first: 5) { total { calls cost pricedShare } groups { key cost } }",
    "}",
    "",
  ].join("\n");
  const url = window.location.origin + window.location.pathname;
  const wsUrl = url.replace(/^http/, "ws");
  const dashboardKey = window.sessionStorage.getItem("omniclaude.apiKey");
  const headers = dashboardKey ? JSON.stringify({ Authorization: "Bearer " + dashboardKey }, null, 2) : undefined;
  const fetcher = GraphiQL.createFetcher({ url: url, subscriptionUrl: wsUrl });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  function App() {
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: EXAMPLE_QUERY,
      defaultHeaders: headers,
      defaultEditorToolsVisibility: true,
      plugins: [explorer],
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    });
  }
  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();

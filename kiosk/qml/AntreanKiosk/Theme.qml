pragma Singleton
import QtQuick

// Colours and shapes of the kiosk. High contrast on purpose: tents are bright and
// many residents read without glasses.
QtObject {
    readonly property color bg: "#eef2f5"
    readonly property color ink: "#13202b"
    readonly property color muted: "#4a5a68"
    readonly property color header: "#0b4f6c"
    readonly property color headerInk: "#ffffff"
    readonly property color card: "#ffffff"
    readonly property color line: "#c9d3dc"
    readonly property color ok: "#1b7f3b"
    readonly property color fault: "#b3261e"
    readonly property color warn: "#a15c00"
    readonly property color closed: "#dde2e6"
    readonly property color offline: "#ffe3a0"  // the hub is away: calm amber, dark ink
    // One colour per priority category, the same on the counter and the hall display: set
    // from antrean/palette.py by Main.qml (vm.priorityColors).
    property var priorityColors: ({})
    readonly property var tileColors: ["#0b6e8f", "#1b7f3b", "#a15c00", "#5b3ea6", "#b3261e",
                                       "#00695c", "#8a4b08", "#283593"]

    // The faces of the satisfaction rating, 4 (Sangat puas) to 1 (Tidak puas): white features
    // on these fills keep a contrast of at least 3.5:1.
    readonly property var faceColors: ({ 4: "#1b7f3b", 3: "#4f7f1f", 2: "#b35c00", 1: "#b3261e" })
    readonly property color lapor: "#7a1f2b"  // the national complaint channel's card

    function faceColor(rating) { return faceColors[rating] || muted }

    function priorityColor(kind) {
        return priorityColors[kind] || muted
    }
}

import QtQuick
import AntreanKiosk.Backend

// The start screen: what to do, the priority choices, one tile per service.
// Landscape: priority choices in a column on the left (chosen first, read first).
// Portrait: in a row above the tiles. Tile columns are chosen to give the largest tiles.
Item {
    id: start

    required property KioskViewModel vm
    property real u: 10
    property bool portrait: false
    readonly property real pad: 2 * u
    readonly property real gap: (portrait ? 1.6 : 1.2) * u
    readonly property color accent: vm.priority ? Theme.priorityColor(vm.priority) : Theme.header

    // The widest of ``words`` in ``metrics`` (a 100 px font), per pixel of font size.
    function widest(metrics, words) {
        var w = 0
        for (var i = 0; i < words.length; ++i)
            w = Math.max(w, metrics.advanceWidth(words[i]))
        return w / 100
    }

    // Columns that make the biggest tile of about 3:2 fit.
    function columnsFor(n, w, h) {
        var best = 1, bestScore = -1
        for (var c = 1; c <= Math.max(1, n); ++c) {
            var r = Math.ceil(n / c)
            var tw = (w - (c - 1) * gap) / c, th = (h - (r - 1) * gap) / r
            var score = Math.min(tw / 1.5, th)
            if (score > bestScore + 0.5) { best = c; bestScore = score }
        }
        return best
    }

    // The words of the tiles measured in the kiosk's own font (at 100 px; widths scale).
    FontMetrics { id: boldMetrics; font.family: start.vm.fontFamily; font.pixelSize: 100; font.bold: true }
    FontMetrics { id: plainMetrics; font.family: start.vm.fontFamily; font.pixelSize: 100 }
    FontMetrics { id: narrowMetrics; font.family: start.vm.narrowFontFamily; font.pixelSize: 100; font.bold: true }

    // What to do, and the priority chosen. One line when title and hint fit side by side (a
    // short landscape panel needs the height for the tiles), else two.
    Rectangle {
        id: titleBlock
        readonly property bool oneLine: !start.portrait
            && title.implicitWidth + 2 * start.u + hint.implicitWidth <= width - 2 * start.pad
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: oneLine ? title.implicitHeight + 1.6 * start.u
                        : title.implicitHeight + hint.implicitHeight + 2 * start.u
        color: start.vm.priority ? start.accent : "transparent"

        Text {
            id: title
            textFormat: Text.PlainText
            x: titleBlock.oneLine ? (titleBlock.width - width - 2 * start.u - hint.width) / 2
                                  : (titleBlock.width - width) / 2
            y: titleBlock.oneLine ? 0.8 * start.u : 1.2 * start.u
            width: Math.min(implicitWidth, titleBlock.width - 2 * start.pad)
            text: start.vm.words.title
            color: start.vm.priority ? "white" : Theme.ink
            font.pixelSize: (start.portrait ? 4.4 : 3.6) * start.u
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            id: hint
            textFormat: Text.PlainText
            x: titleBlock.oneLine ? title.x + title.width + 2 * start.u
                                  : (titleBlock.width - width) / 2
            y: titleBlock.oneLine ? title.y + title.baselineOffset - baselineOffset
                                  : title.y + title.height + 0.2 * start.u
            width: Math.min(implicitWidth, titleBlock.width - 2 * start.pad)
            text: start.vm.priority ? start.vm.priorityBanner : start.vm.words.hint
            color: start.vm.priority ? "white" : Theme.muted
            font.pixelSize: (start.portrait ? 2.8 : 2.4) * start.u
            font.bold: start.vm.priority !== ""
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
        }
    }

    Item {
        id: priorityArea
        x: start.pad
        y: titleBlock.height + start.pad
        width: start.portrait ? start.width - 2 * start.pad : Math.max(24 * start.u, start.width * 0.24)
        height: start.portrait ? 16 * start.u : feedbackStrip.y - y - start.u

        Text {
            textFormat: Text.PlainText
            id: priorityTitle
            width: parent.width
            text: start.vm.words.priorityTitle
            color: Theme.ink
            font.pixelSize: (start.portrait ? 2.8 : 2.4) * start.u
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: start.portrait ? Text.AlignHCenter : Text.AlignLeft
        }
        Text {
            textFormat: Text.PlainText
            id: priorityHint
            visible: !start.portrait
            anchors.top: priorityTitle.bottom
            width: parent.width
            height: visible ? implicitHeight : 0
            text: start.vm.words.priorityHint
            color: Theme.muted
            font.pixelSize: 1.9 * start.u
            wrapMode: Text.WordWrap
        }

        Grid {
            id: priorityGrid
            anchors { top: priorityHint.bottom; topMargin: start.u; left: parent.left; right: parent.right
                      bottom: parent.bottom }
            columns: start.portrait ? Math.max(1, start.vm.priorities.length) : 1
            spacing: start.gap
            readonly property int count: Math.max(1, start.vm.priorities.length)
            readonly property int labelChars: Math.max.apply(null, start.vm.priorities.map(p => p.label.length).concat([4]))

            Repeater {
                model: start.vm.priorities
                PriorityButton {
                    required property var modelData
                    u: start.u
                    kind: modelData.id
                    label: modelData.label
                    selected: start.vm.priority === modelData.id
                    labelChars: priorityGrid.labelChars
                    width: start.portrait ? (priorityGrid.width - (priorityGrid.count - 1) * start.gap) / priorityGrid.count
                                          : priorityGrid.width
                    height: start.portrait ? priorityGrid.height
                                           : Math.min(24 * start.u, (priorityGrid.height - (priorityGrid.count - 1) * start.gap) / priorityGrid.count)
                    onClicked: start.vm.choosePriority(modelData.id)
                }
            }
        }
    }

    Item {
        id: tileArea
        objectName: "tileArea"
        x: start.portrait ? start.pad : priorityArea.x + priorityArea.width + 1.6 * start.pad
        y: start.portrait ? priorityArea.y + priorityArea.height + start.pad : priorityArea.y
        width: start.width - x - start.pad
        height: feedbackStrip.y - y - start.u
        readonly property int columns: start.columnsFor(Math.max(1, tileRepeater.count), width, height)
        readonly property int rows: Math.max(1, Math.ceil(tileRepeater.count / columns))
        readonly property real tileWidth: (width - (columns - 1) * start.gap) / columns
        readonly property real tileHeight: (height - (rows - 1) * start.gap) / rows
        // One font size for every tile, from the longest name word, name and description as
        // the kiosk's font draws them — but never below what a resident reads at arm's length
        // on a 7" panel (20 px names, 14 px counts and descriptions at 800×480): a name that
        // does not fit at that size wraps, and a description left without room is left out.
        readonly property var texts: start.vm.services.texts
        readonly property real tileMargin: Math.max(0.8 * start.u, Math.min(tileWidth, tileHeight) * 0.06)
        readonly property real inner: tileWidth - 2 * tileMargin
        readonly property real badgeSize: Math.floor(Math.min(tileHeight * 0.24, tileWidth * 0.24, 7 * start.u))
        // How many wait, right of the letter: a big number over a word.
        readonly property real labelSize: Math.floor(Math.max(smallFloor, badgeSize * 0.3))
        readonly property real countSize: Math.floor(Math.max(labelSize * 1.3, badgeSize * 0.62))
        readonly property real headRow: Math.max(badgeSize, (countSize + labelSize) * plainMetrics.height / 100)
        // Floors: 20 px names, 14 px counts and descriptions at 800×480, a bit more on big panels.
        readonly property real nameFloor: Math.max(20, 1.9 * start.u)
        readonly property real smallFloor: Math.max(14, 1.4 * start.u)
        // A name word that would not fit at the floor size is set in a narrow face (if one is
        // installed) rather than broken: "Kependudukan" on a 7" panel.
        readonly property bool narrowNames: start.vm.narrowFontFamily !== ""
            && start.widest(boldMetrics, texts.nameWords) * nameFloor > inner
        readonly property var nameMetrics: narrowNames ? narrowMetrics : boldMetrics
        readonly property string nameFamily: narrowNames ? start.vm.narrowFontFamily : start.vm.fontFamily
        readonly property real lineFactor: nameMetrics.height / 100
        // The name gets what the head row and two lines of smallest description leave, in
        // two lines; the description what the name leaves.
        readonly property real textRoom: tileHeight - 2.2 * tileMargin - headRow - 0.3 * start.u
        readonly property real plainLine: plainMetrics.height / 100
        readonly property real nameSize: Math.floor(Math.max(nameFloor, Math.min(
            4 * start.u,
            0.97 * inner / Math.max(0.01, start.widest(nameMetrics, texts.nameWords)),
            1.9 * inner / Math.max(0.01, start.widest(nameMetrics, texts.names)),
            (textRoom - 2 * plainLine * smallFloor) / (1.9 * lineFactor),
            textRoom / (1.9 * lineFactor + 2 * 0.58 * plainLine))))
        readonly property real descSize: Math.floor(Math.max(smallFloor, Math.min(
            2.6 * start.u, 0.58 * nameSize,
            1.6 * inner / Math.max(0.01, start.widest(plainMetrics, texts.descriptions)))))

        Grid {
            anchors.fill: parent
            columns: tileArea.columns
            spacing: start.gap

            Repeater {
                id: tileRepeater
                model: start.vm.services
                ServiceTile {
                    u: start.u
                    accent: start.accent
                    priorityMode: start.vm.priority !== ""
                    width: tileArea.tileWidth
                    height: tileArea.tileHeight
                    m: tileArea.tileMargin
                    badgeSize: tileArea.badgeSize
                    nameSize: tileArea.nameSize
                    nameFamily: tileArea.nameFamily
                    descSize: tileArea.descSize
                    labelSize: tileArea.labelSize
                    countSize: tileArea.countSize
                    statusSize: Math.max(2.5 * start.u, tileArea.nameSize)
                    waitingLabel: start.vm.words.waitingLabel
                    onClicked: (serviceId) => start.vm.take(serviceId)
                }
            }
        }
    }

    // Rating and complaints: a strip along the bottom, smaller and quieter than the tiles, so
    // that taking a number stays the obvious thing to do.
    Item {
        id: feedbackStrip
        // Hint and buttons on one line when they fit, else the hint over the buttons (a
        // portrait kiosk: "Sudah dilayani?" must not run off the screen's left edge).
        readonly property bool stacked: feedbackHint.implicitWidth + rateButton.width
                                        + complaintButton.width + 2 * feedbackButtons.spacing
                                        > width - 2 * start.pad
        anchors { left: parent.left; right: parent.right }
        y: offlineBanner.y - height
        height: stacked ? feedbackHint.implicitHeight + rateButton.height + 2.4 * start.u
                        : (start.portrait ? 6.2 : 5.4) * start.u

        Rectangle {
            anchors { left: parent.left; right: parent.right; top: parent.top }
            height: Math.max(1, 0.15 * start.u)
            color: Theme.line
        }
        Text {
            textFormat: Text.PlainText
            id: feedbackHint
            x: feedbackStrip.stacked ? (feedbackStrip.width - width) / 2
                                     : feedbackButtons.x - width - feedbackButtons.spacing
            y: feedbackStrip.stacked ? 0.8 * start.u : (feedbackStrip.height - height) / 2 + 0.2 * start.u
            text: start.vm.words.feedbackHint
            color: Theme.muted
            font.pixelSize: 2.1 * start.u
        }
        Row {
            id: feedbackButtons
            x: feedbackStrip.stacked ? (feedbackStrip.width - width) / 2
                                     : feedbackStrip.width - width - start.pad
            y: feedbackStrip.stacked ? feedbackHint.y + feedbackHint.height + 0.6 * start.u
                                     : (feedbackStrip.height - height) / 2 + 0.2 * start.u
            spacing: 1.4 * start.u

            SmallButton {
                id: rateButton
                objectName: "rateButton"
                u: start.u
                face: true
                text: start.vm.words.rateEntry
                onClicked: start.vm.openRating()
            }
            SmallButton {
                id: complaintButton
                objectName: "complaintButton"
                u: start.u
                text: start.vm.words.complaintEntry
                onClicked: start.vm.openComplaint()
            }
        }
    }

    // The hub is away: numbers still come from the kiosk's reserve. Calm, not an alarm.
    Rectangle {
        id: offlineBanner
        objectName: "offlineBanner"
        anchors { left: parent.left; right: parent.right }
        y: printerBanner.y - height
        height: start.vm.offline ? (start.portrait ? 8 : 5) * start.u : 0
        visible: start.vm.offline
        color: Theme.offline

        Text {
            anchors.fill: parent
            anchors.margins: start.u
            text: start.vm.words.offlineBanner
            textFormat: Text.PlainText
            color: Theme.ink
            font.pixelSize: 2.6 * start.u
            font.bold: true
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: 10
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }

    Rectangle {
        id: printerBanner
        anchors { left: parent.left; right: parent.right }
        y: start.height - height
        height: start.vm.printerOk ? 0 : 5.5 * start.u
        visible: !start.vm.printerOk
        color: Theme.fault

        Text {
            textFormat: Text.PlainText
            anchors.fill: parent
            anchors.margins: start.u
            text: start.vm.words.printerBanner
            color: "white"
            font.pixelSize: 2.8 * start.u
            font.bold: true
            fontSizeMode: Text.Fit
            minimumPixelSize: 10
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }
}

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
    readonly property real gap: 1.6 * u
    readonly property color accent: vm.priority ? Theme.priorityColor(vm.priority) : Theme.header

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

    Rectangle {
        id: titleBlock
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: 10 * start.u
        color: start.vm.priority ? start.accent : "transparent"

        Text {
            textFormat: Text.PlainText
            id: title
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: start.pad
                      topMargin: 1.2 * start.u }
            height: 4.6 * start.u
            text: start.vm.words.title
            color: start.vm.priority ? "white" : Theme.ink
            font.pixelSize: 4.4 * start.u
            font.bold: true
            fontSizeMode: Text.Fit
            minimumPixelSize: 10
            horizontalAlignment: Text.AlignHCenter
        }
        Text {
            textFormat: Text.PlainText
            anchors { left: parent.left; right: parent.right; top: title.bottom; margins: start.pad
                      topMargin: 0.4 * start.u }
            height: 3.2 * start.u
            text: start.vm.priority ? start.vm.priorityBanner : start.vm.words.hint
            color: start.vm.priority ? "white" : Theme.muted
            font.pixelSize: 2.8 * start.u
            font.bold: start.vm.priority !== ""
            fontSizeMode: Text.Fit
            minimumPixelSize: 10
            horizontalAlignment: Text.AlignHCenter
        }
    }

    Item {
        id: priorityArea
        x: start.pad
        y: titleBlock.height + start.pad
        width: start.portrait ? start.width - 2 * start.pad : Math.max(24 * start.u, start.width * 0.27)
        height: start.portrait ? 16 * start.u : feedbackStrip.y - y - start.u

        Text {
            textFormat: Text.PlainText
            id: priorityTitle
            width: parent.width
            text: start.vm.words.priorityTitle
            color: Theme.ink
            font.pixelSize: 2.8 * start.u
            font.bold: true
            fontSizeMode: Text.Fit
            minimumPixelSize: 10
            height: 3.4 * start.u
            horizontalAlignment: start.portrait ? Text.AlignHCenter : Text.AlignLeft
        }
        Text {
            textFormat: Text.PlainText
            id: priorityHint
            visible: !start.portrait
            anchors.top: priorityTitle.bottom
            width: parent.width
            height: visible ? 4.6 * start.u : 0
            text: start.vm.words.priorityHint
            color: Theme.muted
            font.pixelSize: 2.1 * start.u
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: 9
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
        x: start.portrait ? start.pad : priorityArea.x + priorityArea.width + 2 * start.pad
        y: start.portrait ? priorityArea.y + priorityArea.height + start.pad : priorityArea.y
        width: start.width - x - start.pad
        height: feedbackStrip.y - y - start.u
        readonly property int columns: start.columnsFor(Math.max(1, tileRepeater.count), width, height)
        readonly property int rows: Math.max(1, Math.ceil(tileRepeater.count / columns))
        readonly property real tileWidth: (width - (columns - 1) * start.gap) / columns
        readonly property real tileHeight: (height - (rows - 1) * start.gap) / rows
        // One font size for every tile, from the longest name word, name and description
        // (character widths of DejaVu/Noto Sans: ~0.66 em bold, ~0.56 em regular).
        readonly property real inner: tileWidth - 0.16 * Math.min(tileWidth, tileHeight)
        readonly property var sizes: start.vm.services.textSizes
        readonly property real tileMargin: Math.min(tileWidth, tileHeight) * 0.08
        readonly property real badgeSize: Math.min(tileHeight * 0.28, tileWidth * 0.3)
        readonly property real textHeight: tileHeight - badgeSize - 2.2 * tileMargin
        readonly property real nameSize: Math.min(4 * start.u, textHeight * 0.55 / 2.5,
                                                  inner / (sizes.nameWord * 0.66),
                                                  1.7 * inner / (sizes.name * 0.64))
        readonly property real descSize: Math.min(2.6 * start.u, textHeight * 0.45 / 2.5,
                                                  1.7 * inner / (sizes.description * 0.56))

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
                    nameHeight: tileArea.textHeight * 0.55
                    nameSize: tileArea.nameSize
                    descSize: tileArea.descSize
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
        anchors { left: parent.left; right: parent.right }
        y: offlineBanner.y - height
        height: 6.2 * start.u

        Rectangle {
            anchors { left: parent.left; right: parent.right; top: parent.top }
            height: Math.max(1, 0.15 * start.u)
            color: Theme.line
        }
        Row {
            anchors { right: parent.right; rightMargin: start.pad; verticalCenter: parent.verticalCenter
                      verticalCenterOffset: 0.2 * start.u }
            spacing: 1.4 * start.u

            Text {
                textFormat: Text.PlainText
                anchors.verticalCenter: parent.verticalCenter
                text: start.vm.words.feedbackHint
                color: Theme.muted
                font.pixelSize: 2.1 * start.u
            }
            SmallButton {
                objectName: "rateButton"
                u: start.u
                face: true
                text: start.vm.words.rateEntry
                onClicked: start.vm.openRating()
            }
            SmallButton {
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

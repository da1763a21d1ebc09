import QtQuick

// One service: its letter, name, what it covers and how many wait. A closed service or a
// full daily quota is greyed and crossed by a red band that says so; it cannot be pressed.
// Font sizes come from the start screen so that every tile uses the same ones; none is
// smaller than a resident reads at arm's length (the start screen sees to it). A description
// that does not fit whole is left out rather than cut.
Rectangle {
    id: tile

    required property int index
    required property string serviceId
    required property string letter
    required property string name
    required property string description
    required property int waiting
    required property string waitingText  // "": not known (the hub is away)
    required property bool available
    required property string statusText
    property real u: 10
    property color accent: Theme.header
    property bool priorityMode: false
    property string waitingLabel: ""
    // Sizes from the start screen, the same for every tile.
    property real m: Math.min(width, height) * 0.06
    property real badgeSize: height * 0.26
    property real nameSize: 3 * u
    property string nameFamily: ""
    property real descSize: 2 * u
    property real labelSize: 1.8 * u
    property real countSize: 2.6 * u
    property real statusSize: 2.6 * u
    readonly property color tint: Theme.tileColors[index % Theme.tileColors.length]
    signal clicked(string serviceId)

    objectName: "tile-" + serviceId
    radius: 1.2 * u
    color: !available ? Theme.closed : area.pressed ? Qt.darker(Theme.card, 1.12) : Theme.card
    border.color: available && priorityMode ? accent : Theme.line
    border.width: available && priorityMode ? Math.max(3, 0.6 * u) : Math.max(1, 0.15 * u)
    scale: area.pressed ? 0.97 : 1.0

    Rectangle {
        id: badge
        x: tile.m
        y: tile.m
        width: tile.badgeSize
        height: width
        radius: width / 2
        color: tile.available ? tile.tint : "#8a949c"

        Text {
            textFormat: Text.PlainText
            anchors.centerIn: parent
            text: tile.letter
            color: "white"
            font.pixelSize: parent.height * 0.62
            font.bold: true
        }
    }

    // How many wait: a big number over a word, right of the letter.
    Column {
        id: waitingColumn
        visible: tile.available && tile.waitingText !== ""
        anchors { right: parent.right; rightMargin: tile.m; verticalCenter: badge.verticalCenter }
        Text {
            textFormat: Text.PlainText
            objectName: "tileWaiting-" + tile.serviceId
            anchors.right: parent.right
            text: tile.waiting
            color: Theme.ink
            font.pixelSize: tile.countSize
            font.bold: true
        }
        Text {
            textFormat: Text.PlainText
            objectName: "tileWaitingLabel-" + tile.serviceId
            anchors.right: parent.right
            text: tile.waitingLabel
            color: Theme.muted
            font.pixelSize: tile.labelSize
        }
    }

    Text {
        textFormat: Text.PlainText
        id: nameText
        objectName: "tileName-" + tile.serviceId
        anchors { left: parent.left; right: parent.right; leftMargin: tile.m; rightMargin: tile.m }
        y: Math.max(badge.y + badge.height, waitingColumn.visible
                    ? waitingColumn.y + waitingColumn.height : 0) + tile.m * 0.2
        text: tile.name
        color: tile.available ? Theme.ink : Theme.muted
        font.pixelSize: tile.nameSize
        font.family: tile.nameFamily !== "" ? tile.nameFamily : Qt.application.font.family
        font.bold: true
        wrapMode: Text.WrapAtWordBoundaryOrAnywhere
        lineHeight: 0.95
    }

    Text {
        textFormat: Text.PlainText
        id: descText
        objectName: "tileDesc-" + tile.serviceId
        readonly property real room: tile.height - tile.m * 0.7 - y
        anchors { left: parent.left; right: parent.right; leftMargin: tile.m; rightMargin: tile.m }
        y: nameText.y + nameText.height + 0.3 * tile.u
        visible: tile.available && text !== "" && implicitHeight <= room
        text: tile.description
        color: Theme.muted
        font.pixelSize: tile.descSize
        wrapMode: Text.WordWrap
    }

    // Closed, or today's quota is full (or, offline, the reserve is used up): a red band
    // across the tile, words in white — short ones in capitals, long ones made to fit.
    Rectangle {
        objectName: "tileClosed-" + tile.serviceId
        visible: !tile.available
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
        height: Math.min(tile.height - nameText.y - nameText.height,
                         Math.max(statusText.implicitHeight + tile.m, tile.height * 0.3))
        radius: tile.radius
        color: Theme.fault

        Rectangle {  // square the band's top corners: it crosses the tile
            anchors { left: parent.left; right: parent.right; top: parent.top }
            height: parent.radius
            color: parent.color
        }
        Text {
            id: statusText
            textFormat: Text.PlainText
            objectName: "tileStatus-" + tile.serviceId
            anchors { fill: parent; leftMargin: tile.m; rightMargin: tile.m
                      topMargin: 0; bottomMargin: 0 }
            // The reason only ("Nomor cadangan habis"); what to do ("— mohon tunggu petugas")
            // is said in full when the tile is touched.
            text: tile.statusText.split(" — ")[0]
            color: "white"
            font.pixelSize: tile.statusSize
            font.bold: true
            font.capitalization: tile.statusText.length <= 12 ? Font.AllUppercase : Font.MixedCase
            wrapMode: Text.WordWrap
            fontSizeMode: Text.Fit
            minimumPixelSize: Math.max(14, 0.6 * tile.statusSize)
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
    }

    MouseArea {
        id: area
        anchors.fill: parent
        enabled: tile.available
        onClicked: tile.clicked(tile.serviceId)
    }
}

import QtQuick

// One service: its letter, name, what it covers and how many wait. A closed service or a
// full daily quota is greyed and says so; it cannot be pressed. Font sizes come from the
// start screen so that every tile uses the same ones.
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
    property real nameSize: 3 * u
    property real descSize: 2 * u
    readonly property color tint: Theme.tileColors[index % Theme.tileColors.length]
    // Sizes from the start screen, the same for every tile.
    property real m: Math.min(width, height) * 0.08
    property real badgeSize: height * 0.28
    property real nameHeight: height * 0.3
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

    // How many wait (a big number and a word), or why the service cannot be taken.
    Column {
        visible: tile.available && tile.waitingText !== ""
        anchors { right: parent.right; rightMargin: tile.m; verticalCenter: badge.verticalCenter }
        Text {
            textFormat: Text.PlainText
            anchors.right: parent.right
            text: tile.waiting
            color: Theme.ink
            font.pixelSize: badge.height * 0.6
            font.bold: true
        }
        Text {
            textFormat: Text.PlainText
            anchors.right: parent.right
            text: tile.waitingLabel
            color: Theme.muted
            font.pixelSize: Math.max(10, badge.height * 0.26)
        }
    }
    Text {
        textFormat: Text.PlainText
        visible: !tile.available
        anchors { left: badge.right; leftMargin: tile.m; right: parent.right; rightMargin: tile.m
                  verticalCenter: badge.verticalCenter }
        height: badge.height
        text: tile.statusText
        color: Theme.fault
        font.pixelSize: badge.height * 0.4
        font.bold: true
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 9
        horizontalAlignment: Text.AlignRight
        verticalAlignment: Text.AlignVCenter
    }

    Text {
        textFormat: Text.PlainText
        id: nameText
        anchors { left: parent.left; right: parent.right; top: badge.bottom; margins: tile.m
                  topMargin: tile.m * 0.5 }
        height: tile.nameHeight
        text: tile.name
        color: tile.available ? Theme.ink : Theme.muted
        font.pixelSize: tile.nameSize
        font.bold: true
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 9
        verticalAlignment: Text.AlignVCenter
    }

    Text {
        textFormat: Text.PlainText
        anchors { left: parent.left; right: parent.right; top: nameText.bottom; bottom: parent.bottom
                  leftMargin: tile.m; rightMargin: tile.m; bottomMargin: tile.m * 0.7 }
        text: tile.description
        color: Theme.muted
        font.pixelSize: tile.descSize
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 9
        verticalAlignment: Text.AlignTop
    }

    MouseArea {
        id: area
        anchors.fill: parent
        enabled: tile.available
        onClicked: tile.clicked(tile.serviceId)
    }
}

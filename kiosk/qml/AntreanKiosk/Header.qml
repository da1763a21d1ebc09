import QtQuick
import AntreanKiosk.Backend

// Post name, date and time, and the language switch. Holding the clock for 3 seconds opens
// the staff menu (no visible button: residents should not land in it).
// Landscape: name and date left, clock and switch right. Portrait: the name gets its own
// line across the top.
Rectangle {
    id: header

    required property KioskViewModel vm
    property real u: 10
    property bool portrait: false
    readonly property real margin: 1.6 * u

    height: portrait ? nameText.height + clockText.height + dateText.height + 2.6 * u : 9 * u
    color: Theme.header

    Text {
        textFormat: Text.PlainText
        id: nameText
        x: header.margin
        y: header.portrait ? header.u : (header.height - height - dateText.height) / 2
        width: header.portrait ? header.width - 2 * header.margin : clockArea.x - x - 2 * header.u
        height: (header.portrait ? 5.2 : 4.8) * header.u
        text: header.vm.postName
        color: Theme.headerInk
        font.pixelSize: 3.2 * header.u
        font.bold: true
        wrapMode: Text.WordWrap
        fontSizeMode: Text.Fit
        minimumPixelSize: 10
        verticalAlignment: Text.AlignVCenter
    }
    Text {
        textFormat: Text.PlainText
        id: dateText
        anchors { left: nameText.left; top: header.portrait ? clockArea.bottom : nameText.bottom }
        width: header.portrait ? nameText.width : nameText.width
        text: header.vm.clockDate
        color: Theme.headerInk
        opacity: 0.85
        font.pixelSize: 1.9 * header.u
        elide: Text.ElideRight
    }

    Item {
        id: clockArea
        x: header.portrait ? header.margin : langButton.x - width - 2 * header.u
        y: header.portrait ? nameText.y + nameText.height + 0.4 * header.u : (header.height - height) / 2
        // Wide enough to hold for the staff menu also while the time is still "—".
        width: Math.max(clockText.implicitWidth, 12 * header.u)
        height: clockText.implicitHeight

        Text {
            textFormat: Text.PlainText
            id: clockText
            objectName: "clockText"
            anchors.right: header.portrait ? undefined : parent.right
            text: header.vm.clockTime
            color: Theme.headerInk
            font.pixelSize: (header.portrait ? 4 : 3.6) * header.u
            font.bold: true
        }
        MouseArea {
            objectName: "staffHold"
            anchors.fill: parent
            pressAndHoldInterval: 3000
            onPressAndHold: header.vm.staff.show()
        }
    }

    BigButton {
        id: langButton
        objectName: "langButton"
        u: header.u
        x: header.width - width - header.margin
        y: header.portrait ? clockArea.y + (clockArea.height + dateText.height - height) / 2
                           : (header.height - height) / 2
        implicitWidth: (header.portrait ? 17 : 20) * header.u
        implicitHeight: (header.portrait ? 6.5 : 5.8) * header.u
        text: header.vm.words.langToggle
        tint: "white"
        filled: false
        color: pressed ? Qt.darker(Theme.header, 1.3) : Theme.header
        onClicked: header.vm.toggleLang()
    }
}

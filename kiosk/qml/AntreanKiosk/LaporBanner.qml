import QtQuick

// The national complaint channel, SP4N-LAPOR! (lapor.go.id, SMS 1708): one line under the
// complaint's choices, or a large card once the complaint is sent.
Rectangle {
    id: banner

    property real u: 10
    property bool large: false
    property string lead: ""
    property string channel: "SP4N-LAPOR!: lapor.go.id · SMS 1708"

    radius: u
    color: Theme.lapor
    // Compact: one line, or two on a narrow (portrait) screen.
    implicitHeight: large ? leadText.implicitHeight + channelText.implicitHeight + 5 * u
                          : width < 80 * u ? 9 * u : 6.5 * u

    Text {
        textFormat: Text.PlainText
        id: leadText
        visible: banner.large
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 1.5 * banner.u }
        text: banner.lead
        color: "white"
        font.pixelSize: 3 * banner.u
        wrapMode: Text.WordWrap
        horizontalAlignment: Text.AlignHCenter
    }
    Text {
        textFormat: Text.PlainText
        id: channelText
        objectName: "laporText"
        anchors { left: parent.left; right: parent.right; margins: 1.5 * banner.u
                  top: banner.large ? leadText.bottom : parent.top
                  bottom: banner.large ? undefined : parent.bottom }
        text: banner.large ? banner.channel : banner.lead + " " + banner.channel
        color: "white"
        font.pixelSize: (banner.large ? 5 : 2.6) * banner.u
        font.bold: true
        wrapMode: Text.WordWrap
        fontSizeMode: banner.large ? Text.FixedSize : Text.Fit
        minimumPixelSize: 10
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
}

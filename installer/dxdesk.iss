; Inno Setup 6 script: the Windows installer of dxdesk (Windows 10 1809+ / 11, 64-bit: Qt 6's floor).
;
; UNTESTED on the Linux machine where it was written: it has not been compiled or run there. The
; Windows CI workflow (.github/workflows/windows.yml) builds it; see installer/README.md.
;
; Build on Windows, from the repository root, after the PyInstaller build made dist\dxdesk\:
;   iscc /DAppVersion=0.1.0 installer\dxdesk.iss      ->  dist\dxdesk-setup-0.1.0.exe
;
; What it does:
;  * per-machine install into C:\Program Files\dxdesk (needs an administrator);
;  * Start-menu shortcut and (ticked by default) a desktop shortcut, both to dxdesk-gui.exe;
;  * Vietnamese (default) or English wizard; Vietnamese.isl is kept next to this script because Inno
;    Setup ships none;
;  * the uninstaller removes only the program folder. The user's data (database, backups, logs, settings)
;    lives in the user's profile (%LOCALAPPDATA%\dxdesk), which it never touches.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "dxdesk"
#define AppExe "dxdesk-gui.exe"
#define BuildDir "..\dist\dxdesk"

[Setup]
; AppId identifies the program for upgrades and uninstall: never change it.
AppId={{6E4B1F3A-8C2D-4B7E-9A51-3D0C7F2E9B84}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=dxdesk maintainers
AppComments=Quầy hỗ trợ chuyển đổi số: sổ ghi nhận, lịch trực, hướng dẫn QR và báo cáo
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0.17763
LicenseFile=LICENSE.txt
SetupIconFile=..\resources\icons\dxdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
OutputDir=..\dist
OutputBaseFilename=dxdesk-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
ShowLanguageDialog=auto

[Languages]
; First entry = default when Windows' UI language matches neither.
Name: "vi"; MessagesFile: "compiler:Default.isl,Vietnamese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
vi.AppDescription=Quầy hỗ trợ chuyển đổi số
en.AppDescription=Digital transformation help desk

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder build: dxdesk.exe (console, the CLI), dxdesk-gui.exe (windowed) and _internal\.
Source: "{#BuildDir}\dxdesk.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BuildDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BuildDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "LICENSE.txt"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:AppDescription}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:AppDescription}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave in its own folder (Python byte-code caches). The user's data is
; elsewhere (%LOCALAPPDATA%\dxdesk) and is kept.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

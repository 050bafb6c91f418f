// Demo data for the demo-data generator: organisation units, product lines with
// models, fault phenomena (故障现象) and the free-text fragments of a request's
// timeline. Customers, their cities, addresses and phone numbers are in
// `DemoCities.swift`. Everything here is invented; names and addresses do not
// refer to real people or firms.
//
// Each text comes in the language of the place it is written in: Simplified
// Chinese on the mainland, Traditional Chinese in Taipei, Spanish in Spain, so
// that search, sorting and classification meet mixed scripts, each where it
// belongs.

import AftercareDomain
import Foundation

public struct DemoOrgUnit: Sendable {
    public let code: String
    public let name: String
    /// "headquarters" | "branch" | "outlet" | "agent"
    public let kind: String
    public let parentCode: String?
    public let city: String
    public let latitude: Double
    public let longitude: Double
    /// IANA time-zone identifier.
    public let timeZone: String

    public init(
        code: String, name: String, kind: String, parentCode: String?, city: String,
        latitude: Double, longitude: Double, timeZone: String
    ) {
        self.code = code
        self.name = name
        self.kind = kind
        self.parentCode = parentCode
        self.city = city
        self.latitude = latitude
        self.longitude = longitude
        self.timeZone = timeZone
    }
}

public struct DemoModel: Sendable {
    public let code: String
    public let name: String
    public let warrantyMonths: Int
    /// "acceptance" | "installation" | "delivery" | "sale"
    public let warrantyStartsFrom: String
    /// "exceeds" | "above" | "meets"
    public let serviceLevel: String
    /// Subset of "emergency", "healthCare", "valueAdded".
    public let serviceFamilies: [String]
    public let serialPrefix: String

    public init(
        code: String, name: String, warrantyMonths: Int, warrantyStartsFrom: String,
        serviceLevel: String, serviceFamilies: [String], serialPrefix: String
    ) {
        self.code = code
        self.name = name
        self.warrantyMonths = warrantyMonths
        self.warrantyStartsFrom = warrantyStartsFrom
        self.serviceLevel = serviceLevel
        self.serviceFamilies = serviceFamilies
        self.serialPrefix = serialPrefix
    }
}

/// The same kind of text in the three languages the demo's customers write in.
public struct DemoTexts: Sendable {
    public let hans: [String]
    public let hant: [String]
    public let es: [String]

    public init(hans: [String], hant: [String], es: [String]) {
        self.hans = hans
        self.hant = hant
        self.es = es
    }

    /// The texts written in `language` (Simplified Chinese for any language the demo has no texts in).
    public func callAsFunction(_ language: Language) -> [String] {
        switch language {
        case .zhHant: hant
        case .es: es
        case .zhHans, .en: hans
        }
    }
}

public struct DemoProductLine: Sendable {
    public let code: String
    public let name: String
    public let models: [DemoModel]
    public let faults: DemoTexts
    public let customerRequests: DemoTexts
    public let resolutions: DemoTexts
    /// The service department's own classification (staff at headquarters report on it), in Simplified Chinese.
    public let categories: [String]

    public init(
        code: String, name: String, models: [DemoModel], faults: DemoTexts, customerRequests: DemoTexts,
        resolutions: DemoTexts, categories: [String]
    ) {
        self.code = code
        self.name = name
        self.models = models
        self.faults = faults
        self.customerRequests = customerRequests
        self.resolutions = resolutions
        self.categories = categories
    }
}

public enum DemoCatalog {

    // MARK: - Organisation (总部 → 分公司 → 服务网点 / 委托代理服务站)

    public static let orgUnits: [DemoOrgUnit] = [
        DemoOrgUnit(
            code: "HQ", name: "总部售后服务中心", kind: "headquarters", parentCode: nil,
            city: "长沙", latitude: 28.2282, longitude: 112.9388, timeZone: "Asia/Shanghai"),

        DemoOrgUnit(
            code: "BR-EC", name: "华东分公司", kind: "branch", parentCode: "HQ",
            city: "上海", latitude: 31.2304, longitude: 121.4737, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "BR-SC", name: "华南分公司", kind: "branch", parentCode: "HQ",
            city: "广州", latitude: 23.1291, longitude: 113.2644, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "BR-MAD", name: "Sucursal de Madrid", kind: "branch", parentCode: "HQ",
            city: "Madrid", latitude: 40.4168, longitude: -3.7038, timeZone: "Europe/Madrid"),

        DemoOrgUnit(
            code: "OU-SZ", name: "苏州服务网点", kind: "outlet", parentCode: "BR-EC",
            city: "苏州", latitude: 31.2990, longitude: 120.5853, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "OU-HZ", name: "杭州服务网点", kind: "outlet", parentCode: "BR-EC",
            city: "杭州", latitude: 30.2741, longitude: 120.1551, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "AG-NJ", name: "南京委托代理服务站", kind: "agent", parentCode: "BR-EC",
            city: "南京", latitude: 32.0603, longitude: 118.7969, timeZone: "Asia/Shanghai"),

        DemoOrgUnit(
            code: "OU-SZX", name: "深圳服务网点", kind: "outlet", parentCode: "BR-SC",
            city: "深圳", latitude: 22.5431, longitude: 114.0579, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "AG-FS", name: "佛山委托代理服务站", kind: "agent", parentCode: "BR-SC",
            city: "佛山", latitude: 23.0215, longitude: 113.1214, timeZone: "Asia/Shanghai"),
        DemoOrgUnit(
            code: "AG-TPE", name: "臺北委託代理服務站", kind: "agent", parentCode: "BR-SC",
            city: "臺北", latitude: 25.0330, longitude: 121.5654, timeZone: "Asia/Taipei"),

        DemoOrgUnit(
            code: "OU-VLC", name: "Punto de servicio Valencia", kind: "outlet", parentCode: "BR-MAD",
            city: "Valencia", latitude: 39.4699, longitude: -0.3763, timeZone: "Europe/Madrid"),
        DemoOrgUnit(
            code: "AG-BCN", name: "Servicio técnico autorizado Barcelona", kind: "agent", parentCode: "BR-MAD",
            city: "Barcelona", latitude: 41.3874, longitude: 2.1686, timeZone: "Europe/Madrid"),
    ]

    // MARK: - Product lines (一品一案)

    public static let productLines: [DemoProductLine] = [
        copiers, ledScreens, machinery, windows, schoolIT, software, appliances,
    ]

    public static func productLine(_ code: String) -> DemoProductLine? {
        productLines.first { $0.code == code }
    }

    static let copiers = DemoProductLine(
        code: "COPIER",
        name: "复印机",
        models: [
            DemoModel(
                code: "AC-200", name: "AC-200 黑白数码复合机", warrantyMonths: 12,
                warrantyStartsFrom: "installation", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "ACA"),
            DemoModel(
                code: "AC-350", name: "AC-350 高速黑白复合机", warrantyMonths: 18,
                warrantyStartsFrom: "installation", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "ACB"),
            DemoModel(
                code: "AC-C5000", name: "AC-C5000 彩色生产型复印机", warrantyMonths: 24,
                warrantyStartsFrom: "installation", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "ACC"),
            DemoModel(
                code: "AC-P15", name: "AC-P15 桌面复印打印一体机", warrantyMonths: 12,
                warrantyStartsFrom: "sale", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "ACP"),
        ],
        faults: DemoTexts(
            hans: [
                "复印件打印模糊，有黑色条纹",
                "频繁卡纸，二号纸盒进纸处尤其严重",
                "开机报错 SC542，定影温度异常",
                "复印件底灰严重，整页发灰",
                "输稿器双面扫描时原稿歪斜",
                "彩色复印偏色，洋红色过重",
                "网络打印任务发送后机器无响应",
                "扫描到邮箱失败，提示 SMTP 认证错误",
                "已更换新碳粉盒仍提示碳粉不足",
                "运行时有咔咔的异常噪音",
                "定影不牢，手摸复印件掉粉",
                "装订器不出钉，装订位置偏移",
            ],
            hant: [
                "影印件出現白色直線",
                "機器頻繁顯示「請呼叫維修人員」",
                "經常卡紙，第二紙匣進紙處尤其嚴重",
                "影印件底灰，整頁發灰",
            ],
            es: [
                "la copiadora no imprime a doble cara",
                "atascos de papel en la bandeja de salida",
                "las copias salen con rayas negras",
                "error SC542 al encender: temperatura de fijación anormal",
            ]),
        customerRequests: DemoTexts(
            hans: [
                "尽快上门维修，明天有重要文件要印",
                "希望周末上门",
                "请带齐硒鼓和定影组件备件",
                "希望提供备用机",
                "顺便做一次保养",
            ],
            hant: ["請於上班時間前來", "請攜帶感光鼓備品", "希望順便保養"],
            es: [
                "solicita visita técnica por la mañana",
                "necesitan una máquina de sustitución durante la reparación",
                "aprovechar la visita para el mantenimiento preventivo",
            ]),
        resolutions: DemoTexts(
            hans: [
                "更换定影组件，试印 50 张正常",
                "清洁光学部件和充电辊，复印件清晰",
                "更换搓纸轮及分页器，连续进纸 200 张无卡纸",
                "重新设置 SMTP 服务器参数，扫描到邮箱恢复",
            ],
            hant: ["更換定影組件，試印 50 張正常", "清潔光學元件與充電滾輪，影印清晰"],
            es: [
                "Se sustituyó la unidad de fijación; 50 copias de prueba correctas",
                "Se cambiaron los rodillos de alimentación; 200 hojas sin atascos",
            ]),
        categories: ["硬件故障", "耗材", "配置问题", "操作指导", "保养"]
    )

    static let ledScreens = DemoProductLine(
        code: "LED",
        name: "LED显示屏",
        models: [
            DemoModel(
                code: "LED-P2.5-IN", name: "P2.5 室内全彩LED显示屏", warrantyMonths: 24,
                warrantyStartsFrom: "acceptance", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "LDI"),
            DemoModel(
                code: "LED-P6-OUT", name: "P6 户外全彩LED显示屏", warrantyMonths: 36,
                warrantyStartsFrom: "acceptance", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "LDO"),
            DemoModel(
                code: "LED-P3.9-RT", name: "P3.9 租赁舞台LED屏", warrantyMonths: 12,
                warrantyStartsFrom: "delivery", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "LDR"),
        ],
        faults: DemoTexts(
            hans: [
                "显示屏部分模块不亮",
                "屏幕出现整列黑线",
                "局部出现马赛克、花屏",
                "画面闪烁，亮度不均匀",
                "拼接处色差明显，颜色不一致",
                "控制卡收不到信号，整屏黑屏",
                "户外屏雨后进水，部分灯珠损坏",
                "接收卡频繁掉线",
                "开机后电源箱空开跳闸",
                "亮度自动调节失效，夜间过亮扰民",
                "播放软件无法上传节目",
            ],
            hant: ["顯示屏模組有壞點，呈現常亮", "畫面閃爍，亮度不均勻", "控制卡收不到訊號，整屏黑屏"],
            es: [
                "la pantalla muestra líneas verticales",
                "la pantalla se apaga sola después de unos minutos",
                "algunos módulos muestran colores incorrectos",
            ]),
        customerRequests: DemoTexts(
            hans: [
                "尽快上门维修，周一有大型活动",
                "请在夜间闭馆后施工",
                "希望更换备用模组后再返厂维修",
                "要求提供高空作业安全措施",
            ],
            hant: ["請於晚間閉館後施工", "週末有活動，請盡快處理"],
            es: ["solicita visita técnica urgente", "el viernes hay un evento y necesitan la pantalla"]),
        resolutions: DemoTexts(
            hans: [
                "更换故障LED模组两块，整屏显示正常",
                "更换接收卡并重新配屏，信号稳定",
                "更换开关电源，检查接地后送电正常",
            ],
            hant: ["更換故障模組兩塊，整屏顯示正常", "更換接收卡並重新設定，訊號穩定"],
            es: [
                "Se sustituyeron dos módulos LED; la pantalla funciona correctamente",
                "Se cambió la tarjeta receptora y se reconfiguró la pantalla",
            ]),
        categories: ["硬件故障", "控制系统", "软件问题", "配置问题", "环境因素"]
    )

    static let machinery = DemoProductLine(
        code: "MACHINERY",
        name: "工程机械（混凝土泵车、摊铺机、压路机）",
        models: [
            DemoModel(
                code: "ZLJ5419THBB 56X-6RZ", name: "56米混凝土泵车", warrantyMonths: 12,
                warrantyStartsFrom: "acceptance", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "ZLB"),
            DemoModel(
                code: "ZLJ5300THBK 38X-5RZ", name: "38米混凝土泵车", warrantyMonths: 12,
                warrantyStartsFrom: "delivery", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "ZLK"),
            DemoModel(
                code: "LTU90H", name: "LTU90H 多功能沥青摊铺机", warrantyMonths: 24,
                warrantyStartsFrom: "delivery", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "ZLP"),
            DemoModel(
                code: "YZC12J", name: "YZC12J 双钢轮振动压路机", warrantyMonths: 24,
                warrantyStartsFrom: "delivery", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "ZLR"),
        ],
        faults: DemoTexts(
            hans: [
                "泵车臂架动作缓慢",
                "液压系统漏油",
                "泵送压力不足，排量明显下降",
                "臂架展开时有异响",
                "主油缸换向冲击大",
                "发动机无法启动，仪表报故障码",
                "遥控器失灵，无法控制臂架",
                "支腿收放不同步",
                "料斗搅拌轴漏浆",
                "摊铺机熨平板加热不均",
                "摊铺厚度不均，找平仪报警",
                "压路机振动失效",
                "压路机行走无力，爬坡困难",
                "驾驶室空调不制冷",
            ],
            hant: ["支腿油缸內洩，車身緩慢下沉", "泵送壓力不足，排量明顯下降", "液壓系統漏油"],
            es: [
                "la bomba de hormigón pierde presión",
                "fuga de aceite en el cilindro de dirección",
                "el motor se calienta demasiado con carga",
            ]),
        customerRequests: DemoTexts(
            hans: [
                "工地停工待修，请两小时内到场",
                "尽快上门维修，明早要浇筑",
                "需要服务车带配件到工地",
                "希望安排驻场工程师",
                "请同时做一次整机保养检查",
            ],
            hant: ["工地停工待修，請盡快到場", "請服務車攜帶配件到工地"],
            es: [
                "solicita visita técnica en obra",
                "necesitamos una máquina de sustitución",
                "mañana hay hormigonado, urge la reparación",
            ]),
        resolutions: DemoTexts(
            hans: [
                "更换液压油管密封圈，试车无渗漏",
                "清洗液压滤芯并补充液压油，臂架动作恢复正常",
                "更换主油缸换向阀，泵送压力恢复",
                "校准找平仪传感器，摊铺厚度均匀",
                "更换振动轴承，压路机振动恢复",
            ],
            hant: ["更換支腿油缸密封件，試車無內洩", "清洗液壓濾芯並補充液壓油，動作恢復正常"],
            es: [
                "Se sustituyeron las juntas del latiguillo hidráulico; prueba sin fugas",
                "Se cambió el filtro hidráulico y se repuso aceite; presión de bombeo normal",
            ]),
        categories: ["液压系统", "电气系统", "发动机", "结构件", "操作指导", "保养"]
    )

    static let windows = DemoProductLine(
        code: "WINDOW",
        name: "铝合金门窗",
        models: [
            DemoModel(
                code: "WM-35", name: "WM-35 平开铝合金窗", warrantyMonths: 24,
                warrantyStartsFrom: "installation", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "WMA"),
            DemoModel(
                code: "WM-55", name: "WM-55 断桥隔热推拉窗", warrantyMonths: 36,
                warrantyStartsFrom: "installation", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "WMB"),
            DemoModel(
                code: "DM-70", name: "DM-70 铝合金折叠门", warrantyMonths: 24,
                warrantyStartsFrom: "installation", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "DMF"),
        ],
        faults: DemoTexts(
            hans: [
                "窗户密封条老化漏水",
                "推拉窗滑动不顺畅，有卡滞",
                "平开窗合页松动，窗扇下垂",
                "门窗锁点无法锁闭",
                "玻璃出现裂纹",
                "中空玻璃内部起雾",
                "窗框与墙体间缝隙渗水",
                "型材表面喷涂脱落",
                "纱窗破损，无法拉动",
                "执手断裂",
                "折叠门轨道变形，开关困难",
                "大风天窗户有啸叫声",
            ],
            hant: ["鋁窗排水孔堵塞，窗台積水", "推拉窗滑動不順，有卡滯", "密封條老化漏水"],
            es: [
                "la ventana no cierra herméticamente",
                "entra aire por la junta de la puerta corredera",
                "condensación entre los vidrios del doble acristalamiento",
            ]),
        customerRequests: DemoTexts(
            hans: ["希望周末上门", "下雨前务必修好", "请先上门测量再报价", "希望整栋楼统一检查一次"],
            hant: ["請提前一天電話預約", "颱風來之前務必修好"],
            es: ["solicita visita técnica para revisar todas las ventanas", "prefieren la visita por la tarde"]),
        resolutions: DemoTexts(
            hans: [
                "更换老化密封条，淋水试验无渗漏",
                "调整合页和锁点，窗扇开关顺畅",
                "疏通排水孔并打胶处理",
                "更换中空玻璃一块",
            ],
            hant: ["疏通排水孔並重新打膠，淋水測試無滲漏", "調整鉸鏈與鎖點，開關順暢"],
            es: [
                "Se ajustaron los herrajes de la ventana; cierre correcto",
                "Se sustituyó la junta de estanqueidad; prueba de agua sin filtraciones",
            ]),
        categories: ["安装质量", "五金配件", "密封防水", "玻璃", "人为损坏"]
    )

    static let schoolIT = DemoProductLine(
        code: "SCHOOLIT",
        name: "校园信息化系统",
        models: [
            DemoModel(
                code: "EDU-SC100", name: "智慧教室整体解决方案", warrantyMonths: 36,
                warrantyStartsFrom: "acceptance", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "EDS"),
            DemoModel(
                code: "EDU-CL50", name: "计算机网络教室（50座）", warrantyMonths: 24,
                warrantyStartsFrom: "acceptance", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "EDC"),
            DemoModel(
                code: "EDU-BC20", name: "校园广播与录播系统", warrantyMonths: 24,
                warrantyStartsFrom: "installation", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "EDB"),
        ],
        faults: DemoTexts(
            hans: [
                "电子白板触控失灵",
                "投影仪画面发黄、亮度低",
                "教室多媒体中控无法开机",
                "学生机房多台电脑无法联网",
                "录播系统录制无声音",
                "校园广播部分教室无声",
                "一卡通消费机数据不同步",
                "教学楼三楼无线网络信号弱",
                "交互式一体机频繁死机",
                "教师机无法推送屏幕到学生端",
            ],
            hant: ["監控系統部分攝像頭離線", "電子白板觸控失靈", "教室多媒體中控無法開機"],
            es: [
                "la pizarra digital no responde al tacto",
                "el proyector no enciende en el aula 3B",
                "los ordenadores del aula de informática no arrancan",
                "los alumnos no pueden acceder a la plataforma de aprendizaje",
            ]),
        customerRequests: DemoTexts(
            hans: ["请在放学后或周末上门", "期末考试前务必修复", "希望安排教师操作培训", "尽快上门维修，下周有公开课"],
            hant: ["請於放學後到校", "希望安排教師操作培訓"],
            es: ["solicita visita técnica fuera del horario lectivo", "solicita formación para el profesorado"]),
        resolutions: DemoTexts(
            hans: [
                "重新校准电子白板，触控正常",
                "更换投影灯泡并清洁滤网",
                "更换交换机端口，机房电脑恢复联网",
                "重装录播主机声卡驱动，录制有声音",
            ],
            hant: ["重新校準電子白板，觸控正常", "更換交換器連接埠，攝像頭恢復連線"],
            es: [
                "Se recalibró la pizarra digital; respuesta táctil correcta",
                "Se sustituyó la lámpara del proyector y se limpió el filtro",
            ]),
        categories: ["硬件故障", "网络问题", "软件问题", "配置问题", "操作指导"]
    )

    static let software = DemoProductLine(
        code: "SOFTWARE",
        name: "软件系统",
        models: [
            DemoModel(
                code: "SW-ERP5", name: "云枢 ERP 5.0", warrantyMonths: 12,
                warrantyStartsFrom: "acceptance", serviceLevel: "above",
                serviceFamilies: ["emergency", "valueAdded"], serialPrefix: "SWE"),
            DemoModel(
                code: "SW-HIS3", name: "医院信息系统 HIS 3.2", warrantyMonths: 24,
                warrantyStartsFrom: "acceptance", serviceLevel: "exceeds",
                serviceFamilies: ["emergency", "healthCare", "valueAdded"], serialPrefix: "SWH"),
            DemoModel(
                code: "SW-OA2", name: "协同办公 OA 2.0", warrantyMonths: 12,
                warrantyStartsFrom: "acceptance", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "SWO"),
        ],
        faults: DemoTexts(
            hans: [
                "登录后提示数据库连接失败",
                "报表导出 Excel 后中文乱码",
                "数据同步失败，分支机构数据缺失",
                "升级后部分菜单无法打开",
                "打印单据格式错乱",
                "用户权限配置后不生效",
                "系统运行缓慢，查询超时",
                "接口调用返回 500 错误",
                "月结时金额计算错误",
                "移动端 App 打开即闪退",
                "管理员密码遗忘，无法登录后台",
            ],
            hant: ["系統時間與伺服器不同步，單據日期錯誤", "報表匯出 Excel 後中文亂碼", "登入後提示資料庫連線失敗"],
            es: [
                "el sistema no guarda los cambios",
                "error al generar la factura electrónica",
                "aviso de licencia caducada tras la actualización",
                "la aplicación se cierra al iniciar sesión",
            ]),
        customerRequests: DemoTexts(
            hans: ["请远程协助处理", "今天下班前必须恢复", "希望安排现场技术支持", "请提供新版本升级说明", "需要对新员工进行操作培训"],
            hant: ["請遠端協助處理", "今天下班前務必恢復"],
            es: ["solicita asistencia remota", "necesitan un informe de la causa del fallo"]),
        resolutions: DemoTexts(
            hans: [
                "远程协助修复数据库连接配置",
                "升级补丁至最新版本，问题解决",
                "重置用户权限缓存，权限生效",
                "调整报表导出编码为 UTF-8，中文显示正常",
            ],
            hant: ["遠端修正資料庫連線設定", "校正伺服器時間同步設定，單據日期正確"],
            es: [
                "Se reinstaló la aplicación cliente y se borró la caché local",
                "Se aplicó el parche de la última versión; problema resuelto",
            ]),
        categories: ["软件问题", "配置问题", "数据问题", "网络问题", "操作指导", "需求变更"]
    )

    static let appliances = DemoProductLine(
        code: "APPLIANCE",
        name: "家用电器",
        models: [
            DemoModel(
                code: "KFR-35GW", name: "KFR-35GW 壁挂式变频空调", warrantyMonths: 36,
                warrantyStartsFrom: "installation", serviceLevel: "above",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "HAC"),
            DemoModel(
                code: "XQG100-B12", name: "XQG100-B12 十公斤滚筒洗衣机", warrantyMonths: 36,
                warrantyStartsFrom: "sale", serviceLevel: "meets",
                serviceFamilies: ["emergency"], serialPrefix: "HAW"),
            DemoModel(
                code: "BCD-470WD", name: "BCD-470WD 对开门冰箱", warrantyMonths: 36,
                warrantyStartsFrom: "sale", serviceLevel: "meets",
                serviceFamilies: ["emergency", "healthCare"], serialPrefix: "HAF"),
        ],
        faults: DemoTexts(
            hans: [
                "空调不制冷，外机不启动",
                "空调室内机漏水",
                "洗衣机脱水时剧烈抖动",
                "洗衣机显示 E4 故障码，不进水",
                "冰箱冷藏室结冰",
                "冰箱压缩机噪音大",
                "空调开机后有异味",
                "洗衣机门锁打不开",
                "冰箱门封条变形不密封",
            ],
            hant: ["冷氣不冷，室外機不啟動", "冷氣遙控器無反應", "洗衣機脫水時劇烈晃動"],
            es: [
                "la lavadora no centrifuga",
                "el frigorífico no enfría tras un corte de luz",
                "el aire acondicionado gotea agua",
            ]),
        customerRequests: DemoTexts(
            hans: ["希望周末上门", "尽快上门维修，家里有老人", "上门前请先电话联系", "请穿鞋套进门"],
            hant: ["請先電話聯繫再上門", "希望週末到府"],
            es: ["solicita visita técnica por la tarde", "llamar antes de ir"]),
        resolutions: DemoTexts(
            hans: [
                "补充冷媒并检查管路，空调恢复制冷",
                "更换排水泵，洗衣机进排水正常",
                "更换门封条，冰箱密封良好",
                "清洗室内机蒸发器，异味消除",
            ],
            hant: ["補充冷媒並檢查管路，冷氣恢復製冷", "更換減震吊桿，脫水平穩"],
            es: [
                "Se cambió la bomba de desagüe; centrifugado correcto",
                "Se recargó el gas refrigerante y se revisaron las tuberías",
            ]),
        categories: ["硬件故障", "安装问题", "操作指导", "保养清洗"]
    )

    // MARK: - Free text of a request's timeline

    public static let cancelReasons = DemoTexts(
        hans: [
            "客户自行解决",
            "重复报修",
            "客户已联系其他服务商",
            "设备已报废",
            "非我司产品",
            "客户取消需求",
            "超出保修范围，客户拒绝付费维修",
            "多次联系不上客户",
            "项目已停工，暂不需要服务",
            "误报，设备运行正常",
        ],
        hant: ["客戶暫緩維修", "重複報修", "客戶已自行排除"],
        es: [
            "El cliente resolvió el problema por su cuenta",
            "Solicitud duplicada",
            "El cliente anuló la solicitud",
        ])

    /// Why a request waits on the customer.
    public static let waitReasons = DemoTexts(
        hans: [
            "报价已发出，等待客户确认",
            "客户要求改期，等待客户通知",
            "等待客户提供购机发票",
            "现场暂不具备施工条件，等待客户通知",
        ],
        hant: ["報價已寄出，等待客戶確認", "客戶要求改期，等候通知"],
        es: ["pendiente de que el cliente acepte el presupuesto", "el cliente pide aplazar la visita"])

    public static let reopenReasons = DemoTexts(
        hans: ["故障复发，客户要求再次上门"], hant: ["故障再次發生，客戶要求再次到場"], es: ["la avería ha vuelto a aparecer"])

    /// Customer notes, in the customer's language.
    public static let notes = DemoTexts(
        hans: [
            "客户要求上门前先电话联系",
            "门卫处需登记，工程师请携带工作证",
            "重点客户，优先安排",
            "长期客户，每年巡检一次",
            "客户对上次维修不满意，请谨慎处理",
            "已告知客户保外维修需先报价",
            "客户要求出具维修报告并盖章",
            "设备位于三楼，无电梯，需搬运",
        ],
        hant: ["請先聯繫資訊室主任再進場", "停車場入口在大樓後側", "進場需換證登記"],
        es: [
            "El cliente prefiere visitas por la mañana",
            "Es necesario pedir cita previa en conserjería",
            "Aparcamiento disponible en el sótano -2",
        ])
}
